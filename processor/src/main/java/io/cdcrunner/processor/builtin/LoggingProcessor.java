package io.cdcrunner.processor.builtin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.ProcessorContext;

/**
 * Writes every event as one line of JSON (see {@link ChangeEventJson} for the format, which has a form for every
 * {@link io.cdcrunner.processor.ValueType}) to standard output or to a file. Useful to see what the daemon
 * receives, or as a simple change log.
 *
 * <p>Keys: {@code processor.log.output} = {@code stdout} (default) or a file path, appended to and flushed
 * after every line (flushed to the operating system, not forced to disk); {@code processor.log.pretty} =
 * {@code false} (default) or {@code true} for indented multi-line JSON.
 *
 * <p>Safe to call from several lanes at once: each event is written whole, never interleaved with another.
 */
public final class LoggingProcessor implements EventProcessor {

    /** {@code log.output}: {@code stdout} or a file path. */
    public static final String OUTPUT = "log.output";
    /** {@code log.pretty}: indent the JSON over several lines. */
    public static final String PRETTY = "log.pretty";

    private final Object lock = new Object();
    private OutputStream out;
    private boolean ownsOutput;
    private volatile boolean pretty;

    /** Created by the daemon, configured in {@link #open}. */
    public LoggingProcessor() {
    }

    @Override
    public void open(ProcessorContext context) throws IOException {
        String target = context.config().get(OUTPUT, "stdout");
        pretty = context.config().getBoolean(PRETTY, false);
        synchronized (lock) {
            if (target.equals("stdout")) {
                out = System.out;
                ownsOutput = false;
            } else {
                out = openFile(target);
                ownsOutput = true;
            }
        }
    }

    private static OutputStream openFile(String target) throws IOException {
        Path path;
        try {
            path = Path.of(target);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("processor." + OUTPUT + "=" + target + " is not a file path", e);
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("processor." + OUTPUT + "=" + target + ": directory " + parent
                    + " does not exist; create it or choose another file");
        }
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    @Override
    public void process(ChangeEvent event) throws IOException {
        String json = pretty ? ChangeEventJson.toPrettyJson(event) : ChangeEventJson.toJson(event);
        byte[] line = (json + '\n').getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            if (out == null) {
                throw new IllegalStateException("LoggingProcessor is not open");
            }
            // One write call per event: System.out and file appends then keep the line whole.
            out.write(line);
            out.flush();
        }
    }

    /** Closes the file, if one was opened; standard output stays open. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            OutputStream closing = out;
            out = null;
            if (closing != null && ownsOutput) {
                closing.close();
            }
        }
    }
}
