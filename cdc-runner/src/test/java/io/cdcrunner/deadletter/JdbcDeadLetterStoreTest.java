package io.cdcrunner.deadletter;

import static io.cdcrunner.deadletter.TestLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.DeadLetterSettings;
import io.cdcrunner.config.Secret;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.testkit.DatabaseTest;

/** The table store against a real MariaDB and a real MySQL. */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class JdbcDeadLetterStoreTest {

    private static final String USER = "dlq";
    private static final String PASSWORD = "dlq-test-secret";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static LocalServer db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path state;

    @BeforeParameterizedClassInvocation
    static void startDatabase(Flavor flavor) {
        db = flavor.builder().binlog(false).start();
        db.createCdcUser(USER, PASSWORD);
    }

    @AfterParameterizedClassInvocation
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    private static String newTable() {
        return "dlq_test.dead_letters_" + TABLES.incrementAndGet();
    }

    private JdbcDeadLetterStore open(String pipeline, String table, String password) {
        DeadLetterSettings settings = new DeadLetterSettings(JdbcDeadLetterStore.class.getName(),
                new JdbcTarget(db.jdbcUrl(""), USER, new Secret(password)), table);
        JdbcDeadLetterStore store = new JdbcDeadLetterStore();
        store.open(new DeadLetterStoreContext(pipeline, state, settings, db.jdbcUrl(""), USER, new Secret(password)));
        return store;
    }

    @Test
    void createsItsDatabaseAndTableAndKeepsEveryFieldExactly() throws Exception {
        String table = newTable();
        DeadLetter everyType = TestLetters.everyType();
        try (JdbcDeadLetterStore store = open("test", table, PASSWORD)) {
            store.add(letter(2, 5));
            store.add(everyType);
            store.add(letter(1, 3));

            assertThat(store.size()).isEqualTo(3);
            assertThat(store.list()).as("oldest first failure first").containsExactly(everyType, letter(1, 3), letter(2, 5));
            assertThat(store.get(everyType.id())).contains(everyType);
            assertThat(store.get("nope")).isEmpty();
            assertThat(store.remove(letter(1, 3).id())).isTrue();
            assertThat(store.remove(letter(1, 3).id())).isFalse();
        }
        try (JdbcDeadLetterStore reopened = open("test", table, PASSWORD)) {
            assertThat(reopened.list()).containsExactly(everyType, letter(2, 5));
            assertThat(reopened.purge()).isEqualTo(2);
            assertThat(reopened.size()).isZero();
        }
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet columns = s.executeQuery("SHOW COLUMNS FROM " + table)) {
            StringBuilder names = new StringBuilder();
            while (columns.next()) {
                names.append(columns.getString(1)).append(' ').append(columns.getString(2)).append(", ");
            }
            assertThat(names.toString()).contains("id varchar", "event longtext", "stack_trace mediumtext",
                    "first_failed_at timestamp(6)", "last_failed_at timestamp(6)");
        }
    }

    @Test
    void keepsWhereAKafkaSourceReadTheEventAndAddsTheColumnToAnOlderTable() throws Exception {
        String table = newTable();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            // The table as versions before Kafka sources made it.
            s.execute("CREATE DATABASE IF NOT EXISTS " + table.substring(0, table.indexOf('.')));
            s.execute("CREATE TABLE " + table + " (id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                    + " pipeline VARCHAR(255) NOT NULL, event LONGTEXT NOT NULL, error_class VARCHAR(500) NOT NULL,"
                    + " error_message TEXT NOT NULL, stack_trace MEDIUMTEXT NOT NULL, attempts INT NOT NULL,"
                    + " first_failed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " last_failed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), source_record LONGTEXT NULL,"
                    + " PRIMARY KEY (id), KEY by_pipeline (pipeline, first_failed_at)) DEFAULT CHARSET=utf8mb4");
        }
        DeadLetter fromKafka = TestLetters.letterAt(7, "shop.shop.orders-4@1234");
        // Without the grant to add the column the store still works, without origins (and says so).
        try (JdbcDeadLetterStore store = open("test", table, PASSWORD)) {
            store.add(fromKafka);
            assertThat(store.get(fromKafka.id()).orElseThrow().origin()).isNull();
            assertThat(store.get(fromKafka.id()).orElseThrow().event()).isEqualTo(fromKafka.event());
        }
        db.execute("GRANT ALTER ON dlq_test.* TO '" + USER + "'@'%'", "GRANT ALTER ON dlq_test.* TO '" + USER + "'@'localhost'");
        try (JdbcDeadLetterStore store = open("test", table, PASSWORD)) {
            store.add(fromKafka);
            store.add(letter(8, 1));
            assertThat(store.get(fromKafka.id())).contains(fromKafka);
            assertThat(store.get(fromKafka.id()).orElseThrow().origin()).isEqualTo("shop.shop.orders-4@1234");
            assertThat(store.get(letter(8, 1).id()).orElseThrow().origin()).isNull();
        }
    }

    @Test
    void addingTheSameEventAgainReplacesItsRowAndKeepsTheFirstFailureTime() {
        DeadLetter first = letter(1, 5);
        DeadLetter again = DeadLetter.of("test", TestEvents.insert(1), new RuntimeException("again"), 2,
                first.firstFailedAt().plusSeconds(3600), first.firstFailedAt().plusSeconds(3700));
        try (JdbcDeadLetterStore store = open("test", newTable(), PASSWORD)) {
            store.add(first);
            store.add(again);

            DeadLetter stored = store.get(first.id()).orElseThrow();
            assertThat(store.size()).isEqualTo(1);
            assertThat(stored.attempts()).isEqualTo(2);
            assertThat(stored.errorMessage()).isEqualTo("again");
            assertThat(stored.stackTrace()).isEqualTo(again.stackTrace());
            assertThat(stored.firstFailedAt()).isEqualTo(first.firstFailedAt());
            assertThat(stored.lastFailedAt()).isEqualTo(again.lastFailedAt());
        }
    }

    @Test
    void pipelinesSharingTheTableSeeAndPurgeOnlyTheirOwnEntries() {
        String table = newTable();
        DeadLetter others = DeadLetter.of("other", TestEvents.insert(1), new RuntimeException("x"), 1,
                TestLetters.T0, TestLetters.T0);
        try (JdbcDeadLetterStore test = open("test", table, PASSWORD);
             JdbcDeadLetterStore other = open("other", table, PASSWORD)) {
            test.add(letter(1, 1));
            test.add(letter(2, 1));
            other.add(others);

            assertThat(test.list()).containsExactly(letter(1, 1), letter(2, 1));
            assertThat(other.list()).containsExactly(others);
            assertThat(other.get(letter(1, 1).id())).isEmpty();
            assertThat(other.remove(letter(1, 1).id())).isFalse();

            assertThat(test.purge()).isEqualTo(2);
            assertThat(other.size()).isEqualTo(1);
        }
    }

    @Test
    void failureTimesSurviveTheAmbiguousHourOfADaylightSavingChangeInTheJvmsZone() {
        TimeZone original = TimeZone.getDefault();
        // 01:30 happens twice in New York that night; a zone-converting store would mix the two up.
        Instant firstOneThirty = Instant.parse("2025-11-02T05:30:00.654321Z");
        Instant secondOneThirty = Instant.parse("2025-11-02T06:30:00.123456Z");
        DeadLetter letter = DeadLetter.of("test", TestEvents.insert(9), new RuntimeException("dst"), 2,
                firstOneThirty, secondOneThirty);
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            try (JdbcDeadLetterStore store = open("test", newTable(), PASSWORD)) {
                store.add(letter);
                DeadLetter stored = store.get(letter.id()).orElseThrow();
                assertThat(stored.firstFailedAt()).isEqualTo(firstOneThirty);
                assertThat(stored.lastFailedAt()).isEqualTo(secondOneThirty);
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void wrongCredentialsAreReportedNamingTheSettingsButNotThePassword() {
        String wrong = "not-the-password-42";
        assertThatThrownBy(() -> open("test", newTable(), wrong))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageContaining("deadletter.jdbc.url/user/password")
                .hasMessageContaining("Access denied")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void theShownUrlDropsUserInfoAndQuery() {
        assertThat(JdbcDeadLetterStore.withoutCredentials("jdbc:mysql://u:pw@db:3306/x?password=pw&ssl=true"))
                .isEqualTo("jdbc:mysql://db:3306/x");
    }
}
