package io.cdcrunner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ahead-of-time cache the launcher records under {@code CDC_AOT_DIR} (Java 25 or later): the JVM writes it as
 * it exits, whatever the run did, and a cache from a run that never processed an event (a bad configuration, an
 * unreachable source) holds no profile of the event path. This run says whether its cache is worth keeping: the
 * launcher passes the cache's path in {@value #PROPERTY}, and starts later runs from the cache only when this
 * wrote {@code <cache>.ok}; otherwise the next run records again.
 */
final class AotRecording {

    static final String PROPERTY = "cdc.aot.recording";

    private static final Logger log = LoggerFactory.getLogger(AotRecording.class);

    private AotRecording() {
    }

    /** After a clean stop: keeps the cache being recorded when this run processed events. */
    static void keepIfUseful(long processedEvents) {
        String cache = System.getProperty(PROPERTY);
        if (cache == null || cache.isBlank()) {
            return;
        }
        if (processedEvents == 0) {
            log.info("the AOT cache {} is not kept: this run processed no events, the next one records again", cache);
            return;
        }
        try {
            Files.writeString(Path.of(cache + ".ok"), "recorded by a run that processed " + processedEvents + " events\n");
            log.info("the AOT cache {} is written as the JVM exits; later runs start from it", cache);
        } catch (IOException e) {
            log.warn("cannot mark the AOT cache {} as usable ({}): the next run records again", cache, e.toString());
        }
    }
}
