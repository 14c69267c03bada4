package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalMySql;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * MySQL's compressed transactions ({@code binlog_transaction_compression=ON}): the server writes each transaction's
 * row events as one zstd-compressed Transaction_payload event, which the engine unpacks (Debezium 3.5 decodes
 * TRANSACTION_PAYLOAD). The type table and the impossible-date handling must hold inside such a payload, and a restart
 * must resume after it. MySQL only: MariaDB has no compressed transactions (its log_bin_compress compresses single
 * events, another format).
 */
@DatabaseTest
class CompressedTransactionsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        db = new LocalTestDatabase(LocalMySql.builder().serverArg("--binlog-transaction-compression=ON").start());
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        db.execute("CREATE DATABASE packed CHARACTER SET utf8mb4", AllTypesTable.create("packed"),
                "CREATE TABLE packed.dates (id INT PRIMARY KEY, d DATE, dt6 DATETIME(6))",
                "CREATE TABLE packed.other (id INT PRIMARY KEY, d DATE)",
                "CREATE TABLE packed.resume (id INT PRIMARY KEY, d DATE)");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTypeInOneCompressedMultiRowTransactionArrivesExactlyAndARestartResumesAfterIt() throws Exception {
        Path state = Files.createDirectories(temp.resolve("types"));
        Map<String, String> settings = Map.of("pipeline.name", "packed", "source.tables", "packed.all_types");
        RecordingProcessor.reset("packed");
        String[] inserts = AllTypesTable.inserts("packed");
        List<String> transaction = new ArrayList<>(List.of(inserts[0], "START TRANSACTION"));
        transaction.addAll(Arrays.asList(inserts).subList(1, inserts.length));
        transaction.add("COMMIT");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            int payloads = payloadEvents();
            db.execute(transaction.toArray(String[]::new));
            assertThat(payloadEvents()).as("Transaction_payload events in the binlog").isEqualTo(payloads + 1);
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed").size() >= 4 || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
        List<ChangeEvent> events = RecordingProcessor.events("packed");
        AllTypesTable.assertRows(events, Flavor.MYSQL);
        assertThat(events).extracting(ChangeEvent::transactionId).containsOnly(events.get(0).transactionId());

        // Stopped after the compressed transaction: the next start delivers only what came after it.
        db.execute("START TRANSACTION", "INSERT INTO packed.all_types (id) VALUES (5)",
                "INSERT INTO packed.all_types (id) VALUES (6)", "COMMIT");
        RecordingProcessor.reset("packed");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, settings))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed").size() >= 2 || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
            db.execute("INSERT INTO packed.all_types (id) VALUES (7)");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed").size() >= 3 || pipeline.state().isFinal());
        }
        assertThat(RecordingProcessor.events("packed")).extracting(e -> e.row().getLong("id")).containsExactly(5L, 6L, 7L);
    }

    @Test
    void eachRowOfACompressedTransactionHasAnEventIdOfItsOwn() throws Exception {
        // Failed before PayloadPositions: every row carried the payload's position and each inner rows event counted
        // its rows from 0 (binlog.000001:3466:0 four times), so a TransactionalProcessor's ledger skipped rows.
        Path state = Files.createDirectories(temp.resolve("ids"));
        RecordingProcessor.reset("packed-ids");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "packed-ids", "source.tables", "packed.other")))) {
            pipeline.start();
            db.execute("START TRANSACTION", "INSERT INTO packed.other VALUES (10, NULL)",
                    "INSERT INTO packed.other VALUES (11, NULL), (12, NULL)", "COMMIT");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed-ids").size() >= 3
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
        assertThat(RecordingProcessor.events("packed-ids")).extracting(ChangeEvent::eventId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("gtid:"));
        // The binlog form stays unique too (it is what a ledger of an earlier version holds).
        assertThat(RecordingProcessor.events("packed-ids")).extracting(ChangeEvent::positionEventId)
                .doesNotHaveDuplicates();
    }

    @Test
    void aStopInsideACompressedTransactionResumesThereAndEveryRowKeepsItsEventId() throws Exception {
        // Halting at row 22 leaves the offsets inside the payload (its start, plus events and rows to skip): the
        // restart reads the payload again, skips what was processed, and renumbers its events the same way.
        Path state = Files.createDirectories(temp.resolve("resume"));
        RecordingProcessor.reset("packed-resume");
        List<String> transaction = new ArrayList<>(List.of("START TRANSACTION"));
        for (int statement = 0; statement < 4; statement++) {
            int first = 10 * (statement + 1);
            transaction.add("INSERT INTO packed.resume VALUES (" + first + ", NULL), (" + (first + 1) + ", NULL), ("
                    + (first + 2) + ", NULL)");
        }
        transaction.add("COMMIT");
        Map<String, String> halting = Map.of("pipeline.name", "packed-resume", "source.tables", "packed.resume",
                "processor.fail.ids", "22", "processor.on.failure", "halt", "processor.retry.max.attempts", "1", "processor.threads", "1");
        List<String> firstRun;
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state, halting))) {
            pipeline.start();
            int payloads = payloadEvents();
            db.execute(transaction.toArray(String[]::new));
            assertThat(payloadEvents()).isEqualTo(payloads + 1);
            await().atMost(WAIT).until(() -> pipeline.state().isFinal());
            assertThat(pipeline.failure()).get().asString().contains("refusing row id 22");
            firstRun = RecordingProcessor.events("packed-resume").stream().map(ChangeEvent::eventId).toList();
        }
        assertThat(RecordingProcessor.events("packed-resume")).extracting(e -> e.row().getLong("id"))
                .containsExactly(10L, 11L, 12L, 20L, 21L);

        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "packed-resume", "source.tables", "packed.resume")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed-resume").stream()
                    .anyMatch(e -> e.row().getLong("id") == 42L) || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
        List<ChangeEvent> all = RecordingProcessor.events("packed-resume");
        Map<Long, java.util.Set<String>> idsByRow = new java.util.TreeMap<>();
        all.forEach(e -> idsByRow.computeIfAbsent(e.row().getLong("id"), k -> new java.util.HashSet<>()).add(e.eventId()));
        assertThat(idsByRow.keySet()).containsExactly(10L, 11L, 12L, 20L, 21L, 22L, 30L, 31L, 32L, 40L, 41L, 42L);
        assertThat(idsByRow.values()).as("one id per row, across both runs").allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(idsByRow.values().stream().map(ids -> ids.iterator().next()).toList()).doesNotHaveDuplicates()
                .containsAll(firstRun).allSatisfy(id -> assertThat(id).startsWith("gtid:"));
    }

    @Test
    void anImpossibleDateInACompressedTransactionDeadLettersItsRowAndTheOthersArrive() throws Exception {
        Path state = Files.createDirectories(temp.resolve("dates"));
        RecordingProcessor.reset("packed-dates");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "packed-dates", "source.tables", "packed.dates")))) {
            pipeline.start();
            int payloads = payloadEvents();
            db.execute("SET SESSION sql_mode = 'ALLOW_INVALID_DATES'", "START TRANSACTION",
                    "INSERT INTO packed.other VALUES (1, '2021-02-29')",
                    "INSERT INTO packed.dates VALUES (1, '2024-02-29', '2024-02-29 23:59:59.999999'),"
                            + " (2, '2023-02-29', NULL), (3, '2023-03-01', '2023-04-31 10:00:00.5')",
                    "INSERT INTO packed.dates VALUES (4, '2023-04-30', '2023-04-30 10:00:00.000001')",
                    "COMMIT");
            assertThat(payloadEvents()).isEqualTo(payloads + 1);
            await().atMost(WAIT).until(() -> RecordingProcessor.events("packed-dates").size() >= 2
                    && pipeline.counters().delivery().deadLettered() >= 2 || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
        List<ChangeEvent> delivered = RecordingProcessor.events("packed-dates");
        assertThat(delivered).extracting(e -> e.row().getLong("id")).containsExactly(1L, 4L);
        assertThat(delivered.get(0).after().get("d")).isEqualTo(LocalDate.of(2024, 2, 29));
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).extracting(DeadLetter::errorMessage).satisfiesExactly(
                    first -> assertThat(first).contains("column 'd'", "2023-02-29"),
                    second -> assertThat(second).contains("column 'dt6'", "2023-04-31"));
        }
    }

    /** How many Transaction_payload events the server's binlogs hold: proof that it compresses. */
    private static int payloadEvents() throws SQLException {
        List<String> logs = new ArrayList<>();
        int payloads = 0;
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    logs.add(rs.getString(1));
                }
            }
            for (String log : logs) {
                try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + log + "'")) {
                    while (rs.next()) {
                        payloads += "Transaction_payload".equals(rs.getString("Event_type")) ? 1 : 0;
                    }
                }
            }
        }
        return payloads;
    }
}
