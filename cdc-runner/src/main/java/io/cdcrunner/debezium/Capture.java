package io.cdcrunner.debezium;

import java.util.Set;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;

import io.debezium.data.Envelope;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables;

/**
 * What the pipeline takes from the binlog, as the binlog reader's decoders see it: the captured tables and the
 * operations the engine skips ({@code skipped.operations}, from {@code source.operations}).
 */
record Capture(Tables.TableFilter tables, Set<Envelope.Operation> skipped) {

    Capture {
        skipped = Set.copyOf(skipped);
    }

    boolean captures(TableMapEventData table) {
        return tables.isIncluded(new TableId(table.getDatabase(), null, table.getTable()));
    }

    /** Whether the engine delivers changes of this kind (it skips the others before mapping them). */
    boolean delivers(Envelope.Operation operation) {
        return !skipped.contains(operation);
    }
}
