package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Rows read by an initial snapshot come through JDBC, not the binlog: they must map to the same values as
 * streamed inserts of the same rows. The engine also emits schema-change and heartbeat records here, which
 * must map to nothing.
 */
@DatabaseTest
class SnapshotMappingTest {

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void snapshotRowsMapExactlyLikeStreamedInserts(Flavor flavor) throws Exception {
        try (LocalServer db = flavor.builder().start()) {
            db.createCdcUser("cdc", "cdc-secret");
            db.execute("CREATE DATABASE snap CHARACTER SET utf8mb4", AllTypesTable.create("snap"));
            db.execute(AllTypesTable.inserts("snap"));
            RecordMapper mapper = new RecordMapper();

            try (CapturingEngine engine = new CapturingEngine(db, "cdc", "cdc-secret", "snap",
                    Map.of("snapshot.mode", "initial", "include.schema.changes", "true", "heartbeat.interval.ms", "100"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> engine.records().stream().anyMatch(r ->
                        r.topic().startsWith("__debezium-heartbeat")));
                List<SourceRecord> records = engine.records();

                assertThat(records).anyMatch(r -> r.topic().equals("test"));
                AllTypesTable.assertSnapshotRows(map(mapper, records), flavor);
            }
        }
    }

    private static List<ChangeEvent> map(RecordMapper mapper, List<SourceRecord> records) {
        List<ChangeEvent> events = new ArrayList<>();
        for (SourceRecord record : records) {
            ChangeEvent event = mapper.map(record);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }
}
