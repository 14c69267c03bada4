package io.cdcrunner.binlog;

import java.util.List;

import io.cdcrunner.state.StateStore;
import io.cdcrunner.state.StateStore.Recovery;

/**
 * The DDL statements whose table definitions the daemon took from the server instead of the engine's parser, kept in
 * the state store (the state directory's {@code schema-recoveries.json}, or a table) so that reading such a statement
 * again after a restart does not stop the pipeline a second time.
 */
public final class SchemaRecoveries {

    private final StateStore state;

    public SchemaRecoveries(StateStore state) {
        this.state = state;
    }

    public List<Recovery> all() {
        return state.recoveries();
    }

    boolean covers(BinlogPoint point, String statement) {
        return all().stream().anyMatch(r -> new BinlogPoint(r.file(), r.pos()).equals(point)
                && r.statement().equals(statement));
    }

    /** Adds a recovery, written atomically (a crash leaves the old list or the new one). */
    public void add(BinlogPoint point, String statement) {
        state.addRecovery(new Recovery(point.file(), point.position(), statement));
    }
}
