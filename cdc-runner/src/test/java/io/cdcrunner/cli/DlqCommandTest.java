package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.JsonLinesDeadLetterStore;
import io.cdcrunner.deadletter.ReplayTestProcessor;
import io.cdcrunner.localdb.LocalMariaDb;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/** {@code cdc-runner dlq} as an operator uses it, against a real MariaDB for replay. */
@DatabaseTest
class DlqCommandTest {

    private static final String USER = "cdc";
    private static final String PASSWORD = "dlq-cli-secret";
    private static final Instant FAILED_AT = Instant.parse("2026-01-02T10:00:00.250Z");
    private static LocalMariaDb db;

    @TempDir
    Path temp;
    Path state;

    @BeforeAll
    static void startDatabase() {
        db = LocalMariaDb.builder().binlog(false).start();
        db.createCdcUser(USER, PASSWORD);
        db.execute("CREATE DATABASE dlqtest", "CREATE TABLE " + ReplayTestProcessor.TABLE + " (id BIGINT NOT NULL)");
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        state = temp.resolve("state");
        db.execute("DELETE FROM " + ReplayTestProcessor.TABLE, "DROP DATABASE IF EXISTS cdc_runner");
    }

    @Test
    void replayRemovesWhatSucceedsKeepsWhatFailsAndNeverAppliesAnEventTwice() throws Exception {
        storeDeadLetters(1, 2, 3);

        CommandRun first = run("dlq", "replay", "--all", "--config", properties(Map.of("processor.fail.ids", "2")).toString());

        assertThat(first.exitCode()).as(first.all()).isEqualTo(ExitCodes.FAILED);
        assertThat(first.out()).contains("OK      test:binlog.000001:100:0", "OK      test:binlog.000001:300:0",
                "FAILED  test:binlog.000001:200:0", "id 2 is listed in processor.fail.ids",
                "Replayed 3: 2 succeeded and were removed, 1 failed");
        assertThat(first.all()).doesNotContain(PASSWORD);
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.list()).hasSize(1);
            DeadLetter kept = store.list().get(0);
            assertThat(kept.id()).isEqualTo("test:binlog.000001:200:0");
            assertThat(kept.attempts()).as("the replay counts as an attempt").isEqualTo(6);
            assertThat(kept.errorMessage()).isEqualTo("id 2 is listed in processor.fail.ids");
            assertThat(kept.firstFailedAt()).isEqualTo(FAILED_AT.plusSeconds(2));
            assertThat(kept.lastFailedAt()).isAfter(FAILED_AT);
        }
        assertThat(appliedIds()).isEqualTo(Map.of(1L, 1, 3L, 1));

        CommandRun second = run("dlq", "replay", "--all", "--config", properties(Map.of()).toString());

        assertThat(second.exitCode()).as(second.all()).isEqualTo(ExitCodes.OK);
        assertThat(second.out()).contains("Replayed 1: 1 succeeded");
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.size()).isZero();
        }
        assertThat(appliedIds()).isEqualTo(Map.of(1L, 1, 2L, 1, 3L, 1));

        // As if a replay had crashed after its commit, before removing the entry: the ledger knows.
        storeDeadLetters(1);
        CommandRun again = run("dlq", "replay", "test:binlog.000001:100:0", "--config", properties(Map.of()).toString());

        assertThat(again.exitCode()).as(again.all()).isEqualTo(ExitCodes.OK);
        assertThat(again.out()).contains("already applied");
        assertThat(appliedIds()).isEqualTo(Map.of(1L, 1, 2L, 1, 3L, 1));
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void listAndShowGiveTheErrorAndShowGivesTheEventAndStackTrace() throws Exception {
        storeDeadLetters(1, 2);
        String config = properties(Map.of()).toString();

        CommandRun list = run("dlq", "list", "--config", config);

        assertThat(list.exitCode()).as(list.all()).isEqualTo(ExitCodes.OK);
        assertThat(list.out()).contains("ID", "TABLE", "EVENT ID", "ATTEMPTS", "LAST FAILURE", "ERROR",
                "test:binlog.000001:100:0", "shop.items", "binlog.000001:200:0",
                "java.sql.SQLException: billing unreachable for id 2", "2 dead letters");

        CommandRun show = run("dlq", "show", "test:binlog.000001:200:0", "--config", config);

        assertThat(show.exitCode()).as(show.all()).isEqualTo(ExitCodes.OK);
        assertThat(show.out()).contains("java.sql.SQLException: billing unreachable for id 2", "attempts:      5",
                "\"table\" : \"items\"", "\"id\" : {", "\"int\" : 2", "stack trace:",
                "at io.cdcrunner.cli.DlqCommandTest");

        CommandRun unknown = run("dlq", "show", "nope", "--config", config);
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(unknown.err()).contains("No dead letter with id 'nope'", "dlq list");
    }

    @Test
    void purgeDeletesNothingWithoutYes() throws Exception {
        storeDeadLetters(1, 2);
        String config = properties(Map.of()).toString();

        CommandRun refused = run("dlq", "purge", "--config", config);

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(refused.err()).contains("--yes", "2 dead letters");
        CommandRun confirmed = run("dlq", "purge", "--yes", "--config", config);
        assertThat(confirmed.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(confirmed.out()).contains("Removed 2 dead letters.");
        assertThat(run("dlq", "list", "--config", config).out()).contains("No dead letters.");
    }

    @Test
    void unknownIdsAndMissingArgumentsAreUsageErrorsThatReplayNothing() throws Exception {
        storeDeadLetters(1);
        String config = properties(Map.of()).toString();

        CommandRun unknown = run("dlq", "replay", "test:binlog.000001:100:0", "nope", "--config", config);
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(unknown.err()).contains("No dead letter with id 'nope'");
        assertThat(appliedIds()).isEmpty();

        CommandRun neither = run("dlq", "replay", "--config", config);
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(neither.err()).contains("--all");

        assertThat(run("dlq").exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
    }

    @Test
    void anUnusableStoreClassIsAConfigurationError() throws Exception {
        Path config = properties(Map.of("deadletter.store", "com.example.Nope"));

        CommandRun result = run("dlq", "list", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(result.err()).contains("deadletter.store", "com.example.Nope", "JsonLinesDeadLetterStore");
    }

    /** Dead letters of events inserting {@code ids}, failed 5 times each as the daemon would store them. */
    private void storeDeadLetters(int... ids) {
        try (JsonLinesDeadLetterStore store = JsonLinesDeadLetterStore.openIn(state)) {
            for (int id : ids) {
                ChangeEvent event = ChangeEventBuilder.insert().table("shop", "items").key("id", id)
                        .after(Map.of("id", id)).at(100L * id).gtidTransaction("0-1-" + id).committedAt(FAILED_AT)
                        .build();
                Instant first = FAILED_AT.plusSeconds(id);
                store.add(DeadLetter.of("test", event, new java.sql.SQLException("billing unreachable for id " + id),
                        5, first, first.plusSeconds(1)));
            }
        }
    }

    private Path properties(Map<String, String> extra) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipeline.name", "test");
        props.put("source.host", "127.0.0.1");
        props.put("source.port", String.valueOf(db.port()));
        props.put("source.user", USER);
        props.put("source.password", PASSWORD);
        props.put("state.dir", state.toString());
        props.put("processor.class", ReplayTestProcessor.class.getName());
        props.putAll(extra);
        Path file = Files.createTempFile(temp, "dlq-", ".properties");
        Files.writeString(file, props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        return file;
    }

    /** How often each id was inserted by the processor. */
    private static Map<Long, Integer> appliedIds() throws Exception {
        Map<Long, Integer> counts = new TreeMap<>();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, COUNT(*) FROM " + ReplayTestProcessor.TABLE + " GROUP BY id")) {
            while (rows.next()) {
                counts.put(rows.getLong(1), rows.getInt(2));
            }
        }
        return counts;
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }
}
