package io.cdcrunner.visibility;

import java.time.Instant;
import java.util.Map;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.processor.SourcePosition;

/** Change events as the binlog reader would produce them, for unit tests. */
final class Events {

    private Events() {
    }

    /** An insert of row {@code id} into {@code db.t}, at binlog offset {@code offset} with GTID {@code gtid}. */
    static ChangeEvent insert(long id, long offset, String gtid) {
        Row row = Row.of(Map.of("id", id));
        return new ChangeEvent(Operation.INSERT, "db", "t", row, null, row,
                new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", offset, 0, gtid), Instant.now(), gtid);
    }

    /** A row read by an initial snapshot (no GTID; every snapshot row shares the snapshot's position). */
    static ChangeEvent snapshotRow(long id) {
        return snapshotRow(id, 4);
    }

    /** The same for a snapshot whose consistent point is {@code binlog.000001:position}. */
    static ChangeEvent snapshotRow(long id, long position) {
        Row row = Row.of(Map.of("id", id));
        return new ChangeEvent(Operation.INSERT, "db", "t", row, null, row,
                new SourcePosition(ServerFlavor.MARIADB, 1, "binlog.000001", position, 0, null, true), Instant.now(),
                null);
    }
}
