package io.cdcrunner.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
import io.cdcrunner.processor.TransactionalGroupProcessor;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * A transactional group against a real ledger: one lookup and one insert for the group, only the events not yet
 * committed handed over, the ledger rows and the processor's writes committed or rolled back together.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class GroupLedgerTest {

    static final SharedDatabase SERVER = new SharedDatabase();
    private static HikariDataSource pool;

    @Parameter
    Flavor flavor;

    private final List<List<Long>> calls = new CopyOnWriteArrayList<>();
    private volatile boolean fail;

    @BeforeParameterizedClassInvocation
    static void open(Flavor flavor) {
        SERVER.start(flavor);
        SERVER.db().execute("CREATE DATABASE IF NOT EXISTS grp", "CREATE TABLE grp.applied (id BIGINT PRIMARY KEY)");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SERVER.db().jdbcUrl(""));
        config.setUsername(SERVER.db().rootUser());
        config.setPassword(SERVER.db().rootPassword());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        pool.close();
        SERVER.close();
    }

    private final TransactionalGroupProcessor processor = (events, transaction) -> {
        calls.add(events.stream().map(e -> e.row().getLong("id")).toList());
        try (Statement s = transaction.createStatement()) {
            for (ChangeEvent event : events) {
                s.executeUpdate("INSERT INTO grp.applied VALUES (" + event.row().getLong("id") + ")");
            }
        }
        if (fail) {
            throw new IllegalStateException("failed after writing");
        }
    };

    private EventDelivery delivery(String pipeline) throws Exception {
        EventDelivery delivery = new EventDelivery(processor, pool, new Ledger("grp.ledger", pipeline));
        delivery.open();
        return delivery;
    }

    private static ChangeEvent event(long id) {
        return ChangeEventBuilder.insert().key("id", id).after(Map.of("id", id, "family", 1))
                .at("binlog.000002", 100 * id).build();
    }

    private static List<Long> column(String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        return values;
    }

    @Test
    void aGroupCommitsItsLedgerRowsWithItsWritesAndARedeliveryHandsOverOnlyWhatWasNotCommitted() throws Exception {
        EventDelivery delivery = delivery("grp-a");
        assertThat(delivery.takesGroups()).isTrue();
        assertThat(delivery.deliverGroup(List.of(event(1), event(2)))).containsExactly(EventResult.PROCESSED,
                EventResult.PROCESSED);

        // After a crash the group comes again with a new event: the committed two are left out.
        assertThat(delivery.deliverGroup(List.of(event(1), event(2), event(3)))).containsExactly(
                EventResult.DUPLICATE, EventResult.DUPLICATE, EventResult.PROCESSED);
        // All committed: the processor is not called at all.
        assertThat(delivery.deliverGroup(List.of(event(2), event(3)))).containsOnly(EventResult.DUPLICATE);

        assertThat(calls).containsExactly(List.of(1L, 2L), List.of(3L));
        assertThat(column("SELECT id FROM grp.applied WHERE id <= 3 ORDER BY id")).containsExactly(1L, 2L, 3L);
        assertThat(column("SELECT binlog_pos FROM grp.ledger WHERE pipeline = 'grp-a' ORDER BY binlog_pos"))
                .containsExactly(100L, 200L, 300L);
    }

    @Test
    void aFailedGroupLeavesNeitherLedgerRowsNorWrites() throws Exception {
        EventDelivery delivery = delivery("grp-b");
        fail = true;
        assertThatThrownBy(() -> delivery.deliverGroup(List.of(event(11), event(12))))
                .hasMessageContaining("failed after writing");
        assertThat(column("SELECT COUNT(*) FROM grp.ledger WHERE pipeline = 'grp-b'")).containsExactly(0L);
        assertThat(column("SELECT COUNT(*) FROM grp.applied WHERE id IN (11, 12)")).containsExactly(0L);

        fail = false;
        assertThat(delivery.deliverGroup(List.of(event(11), event(12)))).containsOnly(EventResult.PROCESSED);
        assertThat(column("SELECT COUNT(*) FROM grp.applied WHERE id IN (11, 12)")).containsExactly(2L);
    }

    @Test
    void aLargeGroupIsRecordedInChunksAndAnIdTwiceInOneGroupIsOneEvent() throws Exception {
        EventDelivery delivery = delivery("grp-c");
        List<ChangeEvent> group = new ArrayList<>();
        for (long id = 1_000; id < 3_500; id++) {
            group.add(event(id));
        }
        group.add(event(1_000));
        List<EventResult> results = delivery.deliverGroup(group);
        assertThat(results.subList(0, 2_500)).containsOnly(EventResult.PROCESSED);
        assertThat(results.get(2_500)).isEqualTo(EventResult.DUPLICATE);
        assertThat(column("SELECT COUNT(*) FROM grp.ledger WHERE pipeline = 'grp-c'")).containsExactly(2_500L);
        assertThat(calls).singleElement().satisfies(ids -> assertThat(ids).hasSize(2_500));
    }

    /** The pool, counting the ledger statements its connections prepare. */
    private static javax.sql.DataSource counting(List<String> ledgerStatements) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(GroupLedgerTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = method.invoke(pool, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return java.lang.reflect.Proxy.newProxyInstance(GroupLedgerTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (c, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a[0].toString().contains("grp.ledger")) {
                                    ledgerStatements.add(a[0].toString().substring(0, 6));
                                }
                                try {
                                    return m.invoke(connection, a);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    @Test
    void aGroupCostsOneLedgerLookupAndOneInsertPerThousandEvents() throws Exception {
        List<String> statements = new CopyOnWriteArrayList<>();
        EventDelivery delivery = new EventDelivery(processor, counting(statements), new Ledger("grp.ledger", "grp-d"));
        delivery.open();
        statements.clear(); // the open looks once for entries of the old id form
        delivery.deliverGroup(List.of(event(20_001), event(20_002), event(20_003)));
        assertThat(statements).containsExactly("SELECT", "INSERT");

        statements.clear();
        List<ChangeEvent> large = new ArrayList<>();
        for (long id = 30_000; id < 32_500; id++) {
            large.add(event(id));
        }
        delivery.deliverGroup(large);
        assertThat(statements).containsExactly("SELECT", "SELECT", "SELECT", "INSERT", "INSERT", "INSERT");

        // Everything already recorded: the lookup alone.
        statements.clear();
        delivery.deliverGroup(List.of(event(20_001), event(20_002)));
        assertThat(statements).containsExactly("SELECT");
    }

    @Test
    void severalGroupsShareOneTransactionWithOneLedgerLookupAndOneInsert() throws Exception {
        List<String> statements = new CopyOnWriteArrayList<>();
        EventDelivery delivery = new EventDelivery(processor, counting(statements), new Ledger("grp.ledger", "grp-e"));
        delivery.open();
        statements.clear(); // the open looks once for entries of the old id form
        assertThat(delivery.takesGroupsTogether()).isTrue();
        List<List<EventResult>> results = delivery.deliverGroups(List.of(List.of(event(40_001), event(40_002)),
                List.of(event(40_003)), List.of(event(40_004), event(40_005))));
        assertThat(results).containsExactly(List.of(EventResult.PROCESSED, EventResult.PROCESSED),
                List.of(EventResult.PROCESSED), List.of(EventResult.PROCESSED, EventResult.PROCESSED));
        assertThat(statements).containsExactly("SELECT", "INSERT");
        assertThat(calls).containsExactly(List.of(40_001L, 40_002L), List.of(40_003L), List.of(40_004L, 40_005L));

        // A redelivery in part: the committed events are left out of their groups, a group left empty is not called.
        calls.clear();
        assertThat(delivery.deliverGroups(List.of(List.of(event(40_003)), List.of(event(40_005), event(40_006)))))
                .containsExactly(List.of(EventResult.DUPLICATE), List.of(EventResult.DUPLICATE, EventResult.PROCESSED));
        assertThat(calls).containsExactly(List.of(40_006L));
        assertThat(column("SELECT COUNT(*) FROM grp.applied WHERE id BETWEEN 40001 AND 40006")).containsExactly(6L);
    }

    /**
     * Retried delivery (2 attempts, then dead letters into {@code deadLettered}) for pipeline {@code pipeline} of a
     * processor that applies its groups and then refuses any holding the row {@code refusedId}.
     */
    private RetryingDelivery retryingFailingOn(long refusedId, String pipeline, List<ChangeEvent> deadLettered,
                                               DeliveryCounters counters) throws Exception {
        TransactionalGroupProcessor refusing = (events, transaction) -> {
            processor.processGroup(events, transaction);
            if (events.stream().anyMatch(e -> e.row().getLong("id") == refusedId)) {
                throw new IllegalStateException("refusing " + refusedId);
            }
        };
        EventDelivery delivery = new EventDelivery(refusing, pool, new Ledger("grp.ledger", pipeline));
        delivery.open();
        return new RetryingDelivery(delivery, VisibilityBarrier.NONE,
                new io.cdcrunner.config.DeliverySettings(1, java.util.Optional.empty(), 2, java.time.Duration.ofMillis(1),
                        java.time.Duration.ofMillis(2), io.cdcrunner.config.DeliverySettings.FailureMode.DEAD_LETTER,
                        "grp.ledger"),
                (event, error, attempts, first, last) -> deadLettered.add(event), counters, () -> false);
    }

    @Test
    void aGroupThatFailsForGoodGoesOnEventByEventAndDeadLettersOnlyTheFailingOne() throws Exception {
        List<ChangeEvent> deadLettered = new CopyOnWriteArrayList<>();
        RetryingDelivery retrying = retryingFailingOn(60_062L, "grp-g", deadLettered, new DeliveryCounters());
        // Before a crash the group's first event was committed; redelivered, the group fails on its second. Its
        // events go on alone: the committed one is a duplicate, the bad one a dead letter, the last one applied.
        assertThat(retrying.deliverGroup(List.of(event(60_061)))).containsExactly(EventResult.PROCESSED);

        List<EventResult> results = retrying.deliverGroup(List.of(event(60_061), event(60_062), event(60_063)));

        assertThat(results).extracting(EventResult::status).containsExactly(EventResult.Status.DUPLICATE,
                EventResult.Status.DEAD_LETTERED, EventResult.Status.PROCESSED);
        assertThat(deadLettered).extracting(e -> e.row().getLong("id")).containsExactly(60_062L);
        assertThat(column("SELECT id FROM grp.applied WHERE id BETWEEN 60061 AND 60063 ORDER BY id"))
                .containsExactly(60_061L, 60_063L);
    }

    @Test
    void whenTheirSharedTransactionFailsEachGroupGoesOnAloneAndOnlyTheFailingEventIsDeadLettered() throws Exception {
        List<ChangeEvent> deadLettered = new CopyOnWriteArrayList<>();
        DeliveryCounters counters = new DeliveryCounters();
        RetryingDelivery retrying = retryingFailingOn(50_042L, "grp-f", deadLettered, counters);

        List<List<EventResult>> results = retrying.deliverGroups(List.of(List.of(event(50_041)),
                List.of(event(50_042), event(50_043)), List.of(event(50_044))), event(50_044));

        assertThat(results).extracting(group -> group.stream().map(EventResult::status).toList()).containsExactly(
                List.of(EventResult.Status.PROCESSED),
                List.of(EventResult.Status.DEAD_LETTERED, EventResult.Status.PROCESSED),
                List.of(EventResult.Status.PROCESSED));
        assertThat(deadLettered).extracting(e -> e.row().getLong("id")).containsExactly(50_042L);
        assertThat(column("SELECT id FROM grp.applied WHERE id BETWEEN 50041 AND 50044 ORDER BY id"))
                .containsExactly(50_041L, 50_043L, 50_044L);
        assertThat(column("SELECT COUNT(*) FROM grp.ledger WHERE pipeline = 'grp-f'")).containsExactly(3L);
        assertThat(counters.processed()).isEqualTo(3);
    }
}

