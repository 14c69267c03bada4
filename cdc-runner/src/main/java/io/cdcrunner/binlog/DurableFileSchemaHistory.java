package io.cdcrunner.binlog;

import io.cdcrunner.debezium.ConnectorOffsets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

import io.debezium.config.Configuration;
import io.debezium.document.Document;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;

/**
 * The engine's schema history in {@code state.dir/schema-history.jsonl}, one JSON record a line, written so that a
 * kill at any moment leaves a file the next start can use. Debezium's own file history appends through a buffered
 * writer (a record longer than its buffer takes several writes) and never syncs. Here each record is one write of its
 * whole line; a record of a DDL statement read from the binlog is synced before the engine goes on (the offsets never
 * pass a statement whose record could be lost); the records of a schema capture are synced once the capture is
 * complete ({@link io.cdcrunner.state.StateDirectory#schemaCaptured}), and a capture that did not complete is set aside
 * and taken again ({@link StartPlan}). A last line without its line end (a write cut by a crash) is the record of a
 * statement the offsets have not passed: it is dropped, and the statement read again. The engine instantiates this
 * class by name ({@code schema.history.internal}).
 */
public class DurableFileSchemaHistory extends AbstractSchemaHistory {

    /** The history file's engine property. */
    public static final String FILE_PROPERTY = CONFIGURATION_FIELD_PREFIX_STRING + "file.filename";

    private final DocumentWriter writer = DocumentWriter.defaultWriter();
    private final DocumentReader reader = DocumentReader.defaultReader();
    private Path path;

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
                          boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String file = config.getString(FILE_PROPERTY);
        if (file == null) {
            throw new SchemaHistoryException(FILE_PROPERTY + " is not set for " + getClass().getSimpleName());
        }
        path = Path.of(file);
    }

    @Override
    protected synchronized void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try {
            byte[] line = (writer.write(record.document()) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (!ofSchemaCapture(record)) {
                    channel.force(false);
                }
            }
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot write a schema history record to " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A record of the engine's initial schema capture carries the initial-snapshot marker in its position (a DDL
     * statement read while another kind of snapshot runs does not, and is synced).
     */
    private static boolean ofSchemaCapture(HistoryRecord record) {
        Document position = record.document().getDocument(HistoryRecord.Fields.POSITION);
        return position != null && position.has(ConnectorOffsets.SNAPSHOT)
                && ConnectorOffsets.snapshotUnfinished(java.util.Map.of(ConnectorOffsets.SNAPSHOT,
                        position.get(ConnectorOffsets.SNAPSHOT).asObject()));
    }

    @Override
    protected synchronized void recoverRecords(Consumer<HistoryRecord> records) {
        if (!Files.exists(path)) {
            return;
        }
        try {
            dropCutLastLine();
            int number = 0;
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    records.accept(new HistoryRecord(reader.read(line)));
                } catch (IOException | RuntimeException e) {
                    throw new SchemaHistoryException("line " + number + " of the schema history " + path
                            + " cannot be read (" + e.getMessage() + "): the file was changed by hand. Move it aside ("
                            + "mv " + path + " " + path + ".unreadable) and start again: the daemon then reads the "
                            + "table definitions from the server and resumes at the recorded position", e);
                }
            }
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot read the schema history " + path + ": " + e.getMessage(), e);
        }
    }

    /** Truncates a last line that has no line end: a record whose write a crash cut short. */
    private void dropCutLastLine() throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                logger.warn("the schema history {} ends in a record cut short by a crash ({} bytes without a line "
                        + "end); dropped it: its statement is read again from the binlog", path, size - end);
                channel.truncate(end);
                channel.force(true);
            }
        }
    }

    @Override
    public boolean exists() {
        try {
            return Files.exists(path) && Files.size(path) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean storageExists() {
        return Files.exists(path);
    }

    @Override
    public void initializeStorage() {
        try {
            if (!Files.exists(path)) {
                Files.createDirectories(path.toAbsolutePath().getParent());
                Files.createFile(path);
            }
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot create the schema history " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return path == null ? "schema history file (unstarted)" : "schema history file " + path;
    }
}
