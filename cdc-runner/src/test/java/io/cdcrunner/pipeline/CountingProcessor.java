package io.cdcrunner.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/** Test processor that keeps nothing per event: it counts, and writes the count to a file now and then. */
public class CountingProcessor implements EventProcessor {

    private final AtomicLong count = new AtomicLong();
    private Path file;

    @Override
    public void open(ProcessorContext context) throws Exception {
        file = Path.of(context.config().get("count.file"));
        write();
    }

    @Override
    public void process(ChangeEvent event) throws Exception {
        if (count.incrementAndGet() % 1000 == 0) {
            write();
        }
    }

    @Override
    public void close() throws Exception {
        write();
    }

    private synchronized void write() throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(count.get()), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
