package io.cdcrunner.pipeline;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * Test processor: records every event it is given, per pipeline name, so a test can see what the daemon
 * delivered. Optionally fails on rows whose {@code id} is listed in {@code processor.fail.ids}, with the message
 * {@code processor.fail.message} (default "refusing row id") and the id.
 */
public class RecordingProcessor implements EventProcessor {

    private static final Map<String, List<ChangeEvent>> EVENTS = new ConcurrentHashMap<>();

    private List<ChangeEvent> events;
    private String failIds;
    private String failMessage;

    public static List<ChangeEvent> events(String pipeline) {
        return EVENTS.computeIfAbsent(pipeline, p -> new CopyOnWriteArrayList<>());
    }

    public static void reset(String pipeline) {
        EVENTS.remove(pipeline);
    }

    @Override
    public void open(ProcessorContext context) {
        events = events(context.pipelineName());
        failIds = "," + context.config().get("fail.ids", "") + ",";
        failMessage = context.config().get("fail.message", "refusing row id");
    }

    @Override
    public void process(ChangeEvent event) {
        Object id = event.row().has("id") ? event.row().get("id") : null;
        if (id != null && failIds.contains("," + id + ",")) {
            throw new IllegalStateException(failMessage + " " + id);
        }
        events.add(event);
    }
}
