package io.cdcrunner.binlog;

import java.io.IOException;
import java.util.function.Consumer;

import io.cdcrunner.state.JdbcStateStore;
import io.debezium.config.Configuration;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;

/**
 * The engine's schema history in the state table ({@code state.store=jdbc}): one row per record, read back in the
 * order of the sequence the database assigned, each append a fenced transaction. Debezium's own JDBC history orders
 * its rows by insert time and a per-process counter, which two instances writing in turn cannot keep in order, and
 * offers no place for the fence. The engine instantiates this class by name ({@code schema.history.internal}).
 */
public class SharedSchemaHistory extends AbstractSchemaHistory {

    private static final String STORE = CONFIGURATION_FIELD_PREFIX_STRING + JdbcStateStore.STORE_PROPERTY;

    private final DocumentWriter writer = DocumentWriter.defaultWriter();
    private final DocumentReader reader = DocumentReader.defaultReader();
    private JdbcStateStore store;

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
                          boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String pipeline = config.getString(STORE);
        if (pipeline == null) {
            throw new SchemaHistoryException(STORE + " is not set for " + getClass().getSimpleName());
        }
        store = JdbcStateStore.named(pipeline);
    }

    @Override
    protected void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try {
            store.appendSchemaHistory(writer.write(record.document()));
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot write a schema history record: " + e.getMessage(), e);
        }
    }

    @Override
    protected void recoverRecords(Consumer<HistoryRecord> records) {
        for (String line : store.schemaHistory()) {
            try {
                records.accept(new HistoryRecord(reader.read(line)));
            } catch (IOException e) {
                throw new SchemaHistoryException("unreadable schema history record in the " + store.location() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean exists() {
        return store.hasSchemaHistory();
    }

    @Override
    public boolean storageExists() {
        return true;
    }

    @Override
    public String toString() {
        return store == null ? "shared schema history (unstarted)" : store.location();
    }
}
