package io.cdcrunner.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A ledger written by an earlier version holds binlog changes under their binlog-form ids: after the upgrade the same
 * change, now with a GTID-form id, counts as recorded, so it is not applied twice; unless position ids are no longer
 * matched (the source moved to another server, whose binlog positions name other changes).
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class LedgerIdFormsTest {

    static final SharedDatabase SERVER = new SharedDatabase();
    private static final String TABLE = "ids.ledger";
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void open(Flavor flavor) throws Exception {
        SERVER.start(flavor);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SERVER.db().jdbcUrl(""));
        config.setUsername(SERVER.db().rootUser());
        config.setPassword(SERVER.db().rootPassword());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        new Ledger(TABLE, "any").create(pool);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        pool.close();
        SERVER.close();
    }

    @Test
    void anEntryUnderTheBinlogFormIdMakesTheEventRecordedForEveryLookup() throws Exception {
        Ledger ledger = new Ledger(TABLE, "old-form");
        ChangeEvent applied = event(1, 3);
        ChangeEvent fresh = event(2, 4);
        writtenByAnEarlierVersion("old-form", applied);
        assertThat(applied.eventId()).startsWith("gtid:").isNotEqualTo(applied.positionEventId());

        try (Connection c = pool.getConnection()) {
            assertThat(ledger.recorded(c, List.of(applied, fresh))).containsExactly(applied.eventId());
        }
        assertThat(recordNew(ledger, applied, fresh)).containsExactly(fresh);
        assertThat(record(ledger, applied)).isFalse();
        // New entries are written under the new id alone.
        assertThat(ids("old-form")).containsExactlyInAnyOrder(applied.positionEventId(), fresh.eventId());
        assertThat(record(ledger, fresh)).isFalse();
    }

    @Test
    void aLedgerOpenedWithoutEntriesOfTheBinlogFormStopsLookingForThem() throws Exception {
        ChangeEvent applied = event(7, 3);
        Ledger fresh = new Ledger(TABLE, "new-only");
        fresh.create(pool);
        writtenByAnEarlierVersion("new-only", applied);
        try (Connection c = pool.getConnection()) {
            assertThat(fresh.recorded(c, List.of(applied))).as("an old-form entry written after the open").isEmpty();
        }

        Ledger upgraded = new Ledger(TABLE, "new-only");
        upgraded.create(pool);
        try (Connection c = pool.getConnection()) {
            assertThat(upgraded.recorded(c, List.of(applied))).as("opened over an old-form entry")
                    .containsExactly(applied.eventId());
        }
    }

    @Test
    void withPositionIdsNoLongerMatchedAnEntryUnderTheBinlogFormMatchesNothing() throws Exception {
        Ledger ledger = new Ledger(TABLE, "moved");
        ledger.matchPositionIds(false);
        ChangeEvent other = event(1, 3);
        // Another server's change at the same file, position and row.
        writtenByAnEarlierVersion("moved", other);

        try (Connection c = pool.getConnection()) {
            assertThat(ledger.recorded(c, List.of(other))).isEmpty();
        }
        assertThat(recordNew(ledger, other)).containsExactly(other);

        ChangeEvent next = event(5, 2);
        writtenByAnEarlierVersion("moved", next);
        assertThat(record(ledger, next)).isTrue();
        assertThat(ids("moved")).contains(other.eventId(), next.eventId());
    }

    @Test
    void aGroupOfAThousandEventsWithBothFormsIsOneLookup() throws Exception {
        Ledger ledger = new Ledger(TABLE, "thousand");
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(event(100 + i, 2));
        }
        writtenByAnEarlierVersion("thousand", events.get(999));

        List<String> statements = new ArrayList<>();
        List<ChangeEvent> fresh = inTransaction(c -> ledger.recordNew(counting(c, statements), events));

        assertThat(fresh).hasSize(999).doesNotContain(events.get(999));
        assertThat(statements).containsExactly("SELECT", "INSERT");
        try (Connection c = pool.getConnection()) {
            assertThat(ledger.recorded(c, events)).hasSize(1000);
        }
    }

    @Test
    void pruningByTheRecordingTimeDeletesOnlyEntriesBeforeTheCutAndOlderThanTheKeptTime() throws Exception {
        Ledger ledger = new Ledger(TABLE, "cut");
        Ledger neighbour = new Ledger(TABLE, "cut-neighbour");
        inTransaction(c -> ledger.recordNew(c, List.of(event(1, 2), event(2, 2))));
        inTransaction(c -> neighbour.recordNew(c, List.of(event(1, 2))));
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + TABLE + " SET recorded_at = NOW(6) - INTERVAL 1 HOUR WHERE pipeline LIKE 'cut%'");
        }
        Timestamp cut = ledger.databaseTime(pool);
        ChangeEvent after = event(3, 2);
        inTransaction(c -> ledger.recordNew(c, List.of(after)));

        assertThat(ledger.pruneRecordedBefore(pool, cut, java.time.Duration.ofHours(2))).as("entries an hour old, "
                + "kept two hours").isZero();
        assertThat(ledger.pruneRecordedBefore(pool, cut, java.time.Duration.ofMinutes(30))).isEqualTo(2);

        assertThat(ids("cut")).containsExactly(after.eventId());
        assertThat(ids("cut-neighbour")).hasSize(1);
    }

    /** A MariaDB row change of transaction 0-1-{@code seq}, at its index {@code event} inside it. */
    private static ChangeEvent event(long seq, int event) {
        return ChangeEventBuilder.insert().key("id", seq).after(Map.of("id", seq))
                .at("binlog.000002", 1000 + 100 * seq).gtidTransaction("0-1-" + seq).transactionEvent(event).build();
    }

    private static void writtenByAnEarlierVersion(String pipeline, ChangeEvent event) throws Exception {
        try (Connection c = pool.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                + " (pipeline, event_id, binlog_file, binlog_pos) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, event.positionEventId());
            insert.setString(3, event.position().binlogFile());
            insert.setLong(4, event.position().binlogPosition());
            insert.executeUpdate();
        }
    }

    private static List<String> ids(String pipeline) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = pool.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT event_id FROM " + TABLE + " WHERE pipeline = ?")) {
            select.setString(1, pipeline);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    /** The connection, naming the first word of each statement it prepares. */
    private static Connection counting(Connection connection, List<String> statements) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(LedgerIdFormsTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        statements.add(args[0].toString().substring(0, 6));
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<ChangeEvent> recordNew(Ledger ledger, ChangeEvent... events) throws Exception {
        return inTransaction(c -> ledger.recordNew(c, List.of(events)));
    }

    private static boolean record(Ledger ledger, ChangeEvent event) throws Exception {
        return inTransaction(c -> ledger.record(c, event));
    }

    private interface Work<T> {
        T in(Connection transaction) throws Exception;
    }

    private static <T> T inTransaction(Work<T> work) throws Exception {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.in(c);
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
