package io.cdcrunner.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.cdcrunner.localdb.LocalMariaDb;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

class SeedSpikeTest {

    @Test
    void seededStartThenRestart() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.builder().start()) {
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
            Path state = Files.createTempDirectory("spike");
            String file; long pos; String gtid;
            try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SHOW MASTER STATUS");
                rs.next();
                file = rs.getString(1); pos = rs.getLong(2);
                rs = s.executeQuery("SELECT @@gtid_binlog_pos");
                rs.next();
                gtid = rs.getString(1);
            }
            System.out.println("seed " + file + ":" + pos + " gtid=" + gtid);
            OffsetSeeder.seedIfAbsent(state.resolve("offsets.json"), "spike", "spike", file, pos, gtid);
            System.out.println(Files.readString(state.resolve("offsets.json")));
            db.execute("INSERT INTO shop.t VALUES (1,1),(2,2)", "INSERT INTO shop.t VALUES (3,3)");

            List<Integer> seen = new CopyOnWriteArrayList<>();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = engine(db, state, "recovery", seen);
            ExecutorService ex = Executors.newSingleThreadExecutor();
            ex.submit(engine);
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 3);
            engine.close();
            System.out.println("seen after first run " + seen);
            System.out.println(Files.readString(state.resolve("offsets.json")));
            db.execute("INSERT INTO shop.t VALUES (4,4)", "INSERT INTO shop.t VALUES (5,5)");
            seen.clear();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> engine2 = engine(db, state, "no_data", seen);
            ex.submit(engine2);
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 2);
            engine2.close();
            System.out.println("seen after restart " + seen);
            assertThat(seen).containsExactly(4, 5);
            ex.shutdown();
        }
    }

    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine(LocalMariaDb db, Path state, String mode, List<Integer> seen) {
        Properties p = new Properties();
        p.setProperty("name", "spike");
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("offset.storage", OffsetFileStore.class.getName());
        p.setProperty("offset.storage.file.filename", state.resolve("offsets.json").toString());
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename", state.resolve("history.jsonl").toString());
        p.setProperty("topic.prefix", "spike");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", String.valueOf(db.port()));
        p.setProperty("database.user", "root");
        p.setProperty("database.password", "");
        p.setProperty("database.server.id", "5501");
        p.setProperty("table.include.list", "shop.t");
        p.setProperty("snapshot.mode", mode);
        p.setProperty("include.schema.changes", "false");
        p.setProperty("poll.interval.ms", "10");
        return DebeziumEngine.create(ChangeEventFormat.of(Connect.class)).using(p)
                .notifying((records, committer) -> {
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        SourceRecord sr = r.record();
                        if (sr.value() instanceof Struct s && s.schema().field("after") != null && s.getStruct("after") != null) {
                            seen.add(s.getStruct("after").getInt32("id"));
                        }
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                }).build();
    }
}
