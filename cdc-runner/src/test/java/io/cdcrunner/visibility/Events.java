package io.cdcrunner.visibility;

import java.time.Instant;
import java.util.Map;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testkit.ChangeEventBuilder;

/** Change events as the binlog reader would produce them, for unit tests. */
final class Events {

    private Events() {
    }

    /** An insert of row {@code id} into {@code db.t}, at binlog offset {@code offset} with GTID {@code gtid}. */
    static ChangeEvent insert(long id, long offset, String gtid) {
        Row row = Row.of(Map.of("id", id));
        return ChangeEventBuilder.insert().table("db", "t").key(row).after(row).at(offset).gtidTransaction(gtid)
                .committedAt(Instant.now()).build();
    }

    /** A row read by an initial snapshot (no GTID; every snapshot row shares the snapshot's position). */
    static ChangeEvent snapshotRow(long id) {
        return snapshotRow(id, 4);
    }

    /** The same for a snapshot whose consistent point is {@code binlog.000001:position}. */
    static ChangeEvent snapshotRow(long id, long position) {
        Row row = Row.of(Map.of("id", id));
        return ChangeEventBuilder.insert().table("db", "t").key(row).after(row).at(position).snapshot()
                .committedAt(Instant.now()).build();
    }
}
