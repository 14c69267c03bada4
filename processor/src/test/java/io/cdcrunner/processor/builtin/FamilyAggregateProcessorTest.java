package io.cdcrunner.processor.builtin;

import static io.cdcrunner.processor.builtin.FamilyTestDatabase.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * {@link FamilyAggregateProcessor} against a real MariaDB and a real MySQL: orders grouped by customer. Expected summaries
 * come from a model of the table kept in Java, so the test does not trust SQL to check SQL.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class FamilyAggregateProcessorTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalServer server;

    @Parameter
    Flavor flavor;

    private FamilyTestDatabase db;
    private Map<String, String> config;
    private FamilySettings settings;
    private FamilyAggregateProcessor processor;
    /** The orders table as it should be: id to (customer, amount). */
    private final Map<Long, Order> orders = new ConcurrentHashMap<>();

    record Order(Integer customer, BigDecimal amount) {
    }

    /** A summary row, decimals without trailing zeros so that equal values compare equal. */
    record Summary(long count, BigDecimal sum, BigDecimal min, BigDecimal max, Long maxId) {
        Summary {
            sum = strip(sum);
            min = strip(min);
            max = strip(max);
        }

        private static BigDecimal strip(BigDecimal value) {
            return value == null ? null : value.stripTrailingZeros();
        }
    }

    @BeforeParameterizedClassInvocation
    static void startServer(Flavor flavor) {
        server = flavor.builder().binlog(false).start();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void createOrders() throws Exception {
        db = new FamilyTestDatabase(server, "shop" + DATABASES.incrementAndGet());
        server.execute("CREATE TABLE " + db.name + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                + "customer_id INT NULL, amount DECIMAL(12,2) NULL, note VARCHAR(20))");
        config = Map.of("family.table", db.name + ".orders",
                "family.column", "customer_id", "family.value.column", "amount");
        processor = new FamilyAggregateProcessor();
        processor.open(db.context(config));
        settings = FamilySettings.from(new ProcessorConfig(config));
    }

    @AfterEach
    void close() throws Exception {
        processor.close();
        db.close();
    }

    @Test
    void summariesEqualTheRecomputationAfterInserts() throws Exception {
        for (int i = 0; i < 40; i++) {
            Integer customer = i % 9 == 8 ? null : 1 + i % 5;
            BigDecimal amount = i % 7 == 0 ? null : BigDecimal.valueOf((i * 3_701L) % 100_000 - 30_000, 2);
            processor.process(insertOrder(customer, amount));
        }
        // A family whose values are all NULL still has a count and an id.
        processor.process(insertOrder(6, null));

        for (int customer = 1; customer <= 6; customer++) {
            assertThat(summary(customer)).as("customer %d", customer).isEqualTo(expected(customer));
        }
        assertThat(summary(6)).isEqualTo(new Summary(1, null, null, null, maxId(6)));
        assertThat(summaryRowCount()).isEqualTo(6);
        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings)).isEmpty();
    }

    @Test
    void mismatchesReportsEveryKindOfCorruptedSummary() throws Exception {
        for (int customer = 1; customer <= 4; customer++) {
            processor.process(insertOrder(customer, new BigDecimal("10.00")));
            processor.process(insertOrder(customer, new BigDecimal("2.50")));
        }
        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings)).isEmpty();

        String summary = db.name + ".orders_family_summary";
        server.execute(
                "UPDATE " + summary + " SET value_sum = value_sum + 0.01 WHERE family_key = '1'",
                "DELETE FROM " + summary + " WHERE family_key = '2'",
                "UPDATE " + summary + " SET max_id = max_id - 1 WHERE family_key = '3'",
                "INSERT INTO " + summary + " (family_key, row_count, updated_at) VALUES ('77', 1, NOW(6))");

        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings)).containsExactly(
                "family 1: value_sum 12.51 (recomputed 12.5)",
                "family 2: no summary row; recomputed row_count 2, value_sum 12.5, value_min 2.5, value_max 10, max_id "
                        + maxId(2),
                "family 3: max_id " + (maxId(3) - 1) + " (recomputed " + maxId(3) + ")",
                "family 77: summary says row_count 1 but the family has no rows");
    }

    @Test
    void updatesAndDeletesKeepEveryFamilyExact() throws Exception {
        List<ChangeEvent> inserts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inserts.add(insertOrder(1, BigDecimal.valueOf(100 + i)));
        }
        for (int i = 0; i < 2; i++) {
            inserts.add(insertOrder(2, BigDecimal.valueOf(-5 - i)));
        }
        for (ChangeEvent insert : inserts) {
            processor.process(insert);
        }
        long first = id(inserts.get(0));
        long second = id(inserts.get(1));

        processor.process(updateOrder(first, 1, new BigDecimal("0.01")));
        assertExact();

        processor.process(updateOrder(second, 2, new BigDecimal("99.99")));
        assertThat(summary(1).count()).isEqualTo(2);
        assertThat(summary(2).count()).isEqualTo(3);
        assertExact();

        processor.process(updateOrder(first, null, new BigDecimal("0.01")));
        assertThat(summary(1).count()).isEqualTo(1);
        assertExact();

        for (long id : List.of(id(inserts.get(3)), id(inserts.get(4)), second)) {
            processor.process(deleteOrder(id));
            assertExact();
        }
        assertThat(summaryRowCount()).as("the emptied family's summary is gone").isEqualTo(1);
        assertThat(summary(2)).isNull();
    }

    @Test
    void redeliveredEventsLeaveTheSummaryExact() throws Exception {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(insertOrder(1, new BigDecimal("1.10")));
        }
        for (ChangeEvent event : events) {
            processor.process(event);
            processor.process(event);
        }
        assertThat(summary(1)).isEqualTo(new Summary(5, new BigDecimal("5.5"), new BigDecimal("1.1"),
                new BigDecimal("1.1"), id(events.get(4))));

        ChangeEvent delete = deleteOrder(id(events.get(4)));
        processor.process(delete);
        // After a restart the daemon replays from its last recorded position: old events come again.
        for (ChangeEvent event : events) {
            processor.process(event);
        }
        processor.process(delete);
        assertThat(summary(1)).isEqualTo(new Summary(4, new BigDecimal("4.4"), new BigDecimal("1.1"),
                new BigDecimal("1.1"), id(events.get(3))));
        assertExact();
    }

    @Test
    void severalGroupsInOneTransactionLeaveEveryFamilyExactAndEmptiedFamiliesGone() throws Exception {
        List<ChangeEvent> first = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add(insertOrder(1 + i % 6, i % 5 == 0 ? null : BigDecimal.valueOf(i * 37 - 400, 2)));
        }
        inOneTransaction(groupsOf(first));
        assertExact();
        assertThat(summaryRowCount()).isEqualTo(6);

        // Rows move between families, a family loses all its rows, a new one appears; some groups are redelivered.
        List<ChangeEvent> second = new ArrayList<>();
        for (ChangeEvent insert : first) {
            long id = id(insert);
            int customer = orders.get(id).customer();
            if (customer == 6) {
                second.add(deleteOrder(id));
            } else if (customer == 5) {
                second.add(updateOrder(id, 7, BigDecimal.ONE));
            } else if (id % 3 == 0) {
                second.add(updateOrder(id, customer % 4 + 1, new BigDecimal("12.34")));
            }
        }
        second.add(insertOrder(8, new BigDecimal("-0.01")));
        inOneTransaction(groupsOf(second));
        inOneTransaction(groupsOf(second.subList(0, second.size() / 2)));
        assertExact();
        assertThat(summary(5)).isNull();
        assertThat(summary(6)).isNull();
        assertThat(summary(7).count()).isEqualTo(5);
        assertThat(summaryRowCount()).isEqualTo(orders.values().stream().map(Order::customer).filter(Objects::nonNull)
                .distinct().count());
    }

    @Test
    void severalGroupsInOneTransactionKeepOneSummaryPerFamilyUnderACaseInsensitiveCollation() throws Exception {
        server.execute("CREATE TABLE " + db.name + ".tags (id BIGINT PRIMARY KEY, tag VARCHAR(20)"
                + " COLLATE utf8mb4_general_ci, amount DECIMAL(12,2))");
        Map<String, String> tags = Map.of("family.table", db.name + ".tags", "family.column", "tag",
                "family.value.column", "amount");
        FamilyAggregateProcessor byTag = new FamilyAggregateProcessor();
        byTag.open(db.context(tags));
        List<List<ChangeEvent>> groups = new ArrayList<>();
        String[] spellings = {"abc", "ABC", "Abc", "xyz", "XYZ", "solo"};
        for (int i = 0; i < spellings.length; i++) {
            server.execute("INSERT INTO " + db.name + ".tags VALUES (" + (i + 1) + ", '" + spellings[i] + "', " + i + ")");
            groups.add(List.of(db.insert("tags", row("id", (long) i + 1, "tag", spellings[i],
                    "amount", BigDecimal.valueOf(i)))));
        }
        try (Connection c = transaction()) {
            byTag.processGroups(groups, c);
            c.commit();
        }
        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, FamilySettings.from(new ProcessorConfig(tags))))
                .isEmpty();
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(row_count) FROM tags_family_summary")) {
            rs.next();
            assertThat(rs.getLong(1)).as("summary rows").isEqualTo(3);
            assertThat(rs.getLong(2)).as("rows summarized").isEqualTo(6);
        }
        byTag.close();
    }

    /** The events grouped by row, as the daemon groups them by default (table + primary key). */
    private static List<List<ChangeEvent>> groupsOf(List<ChangeEvent> events) {
        Map<Long, List<ChangeEvent>> byId = new java.util.LinkedHashMap<>();
        events.forEach(event -> byId.computeIfAbsent(id(event), id -> new ArrayList<>()).add(event));
        return new ArrayList<>(byId.values());
    }

    private void inOneTransaction(List<List<ChangeEvent>> groups) throws Exception {
        try (Connection c = transaction()) {
            processor.processGroups(groups, c);
            c.commit();
        }
    }

    /** A transaction as the daemon's pools give them: READ COMMITTED, auto-commit off. */
    private Connection transaction() throws SQLException {
        Connection c = db.dataSource.getConnection();
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void theFamilyTablesIndexesAreToldApartSoThatOpenCanWarnAboutAMissingOne() throws Exception {
        try (Connection c = db.connection()) {
            FamilySql sql = FamilySql.inspect(c, settings);
            assertThat(sql.familyIndex(c)).isEqualTo("none");
            server.execute("CREATE INDEX by_customer ON " + db.name + ".orders (customer_id)");
            assertThat(sql.familyIndex(c)).isEqualTo("family");
            server.execute("CREATE INDEX by_customer_amount ON " + db.name + ".orders (customer_id, amount)");
            assertThat(sql.familyIndex(c)).isEqualTo("covering");
        }
    }

    @Test
    void eventsOfOtherTablesAreIgnored() throws Exception {
        processor.process(db.insert("customers", row("id", 1L, "customer_id", 1, "amount", BigDecimal.ONE)));
        ChangeEvent otherDatabase = ChangeEventBuilder.insert().table("elsewhere", "orders")
                .after(row("id", 1L, "customer_id", 1)).position(insertOrder(1, BigDecimal.ONE).position()).build();
        processor.process(otherDatabase);

        assertThat(summaryRowCount()).isZero();
    }

    @Test
    void eightLanesRecomputingOneFamilyConcurrentlyEndExact() throws Exception {
        int lanes = 8;
        int rounds = 40;
        int changesPerRound = 3;
        // Random pauses before each statement let other lanes commit between this lane's statements.
        FamilyAggregateProcessor lanesProcessor = new FamilyAggregateProcessor();
        lanesProcessor.open(db.context(config, new JitteryDataSource(db.dataSource)));
        List<List<Long>> rowsOfLane = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            rowsOfLane.add(new ArrayList<>());
        }
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            for (int round = 0; round < rounds; round++) {
                // All lanes change the same family at staggered moments; after each round the last summary
                // written must have seen every change committed in the round.
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int lane = 0; lane < lanes; lane++) {
                    List<Long> mine = rowsOfLane.get(lane);
                    Random random = new Random(round * 100L + lane);
                    int customer = lane == round % lanes ? 43 : 42;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int change = 0; change < changesPerRound; change++) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(8)));
                            lanesProcessor.process(randomChange(random, customer, mine));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : futures) {
                    future.get(1, TimeUnit.MINUTES);
                }
                assertThat(summary(42)).as("family 42 after round %d", round).isEqualTo(expected(42));
                assertThat(summary(43)).as("family 43 after round %d", round).isEqualTo(expected(43));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings)).isEmpty();
    }

    /** Inserts a row of {@code customer}, or updates or deletes one of {@code mine}; returns its event. */
    private ChangeEvent randomChange(Random random, int customer, List<Long> mine) throws SQLException {
        BigDecimal amount = BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 2);
        int choice = mine.isEmpty() ? 0 : random.nextInt(4);
        if (choice == 2) {
            return updateOrder(mine.get(random.nextInt(mine.size())), customer, amount);
        }
        if (choice == 3) {
            return deleteOrder(mine.remove(random.nextInt(mine.size())));
        }
        ChangeEvent insert = insertOrder(customer, amount);
        mine.add(id(insert));
        return insert;
    }

    private void assertExact() throws SQLException {
        for (Integer customer : orders.values().stream().map(Order::customer).filter(Objects::nonNull)
                .distinct().toList()) {
            assertThat(summary(customer)).as("customer %d", customer).isEqualTo(expected(customer));
        }
        assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings)).isEmpty();
    }

    private ChangeEvent insertOrder(Integer customer, BigDecimal amount) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO orders (customer_id, amount, note) VALUES (?, ?, 'x')", Statement.RETURN_GENERATED_KEYS)) {
            s.setObject(1, customer);
            s.setBigDecimal(2, amount);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                long id = keys.getLong(1);
                orders.put(id, new Order(customer, amount));
                return db.insert("orders", image(id, new Order(customer, amount)));
            }
        }
    }

    private ChangeEvent updateOrder(long id, Integer customer, BigDecimal amount) throws SQLException {
        Order before = orders.get(id);
        Order after = new Order(customer, amount);
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(
                "UPDATE orders SET customer_id = ?, amount = ? WHERE id = ?")) {
            s.setObject(1, customer);
            s.setBigDecimal(2, amount);
            s.setLong(3, id);
            s.executeUpdate();
        }
        orders.put(id, after);
        return db.update("orders", image(id, before), image(id, after));
    }

    private ChangeEvent deleteOrder(long id) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
        Order before = orders.remove(id);
        return db.delete("orders", image(id, before));
    }

    private static Map<String, Object> image(long id, Order order) {
        return row("id", id, "customer_id", order.customer(), "amount", order.amount(), "note", "x");
    }

    private static long id(ChangeEvent event) {
        return event.row().getLong("id");
    }

    /** The summary computed from the Java model of the table. */
    private Summary expected(int customer) {
        List<Map.Entry<Long, Order>> family = orders.entrySet().stream()
                .filter(e -> Objects.equals(e.getValue().customer(), customer)).toList();
        List<BigDecimal> amounts = family.stream().map(e -> e.getValue().amount()).filter(Objects::nonNull).toList();
        return new Summary(family.size(),
                amounts.isEmpty() ? null : amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add),
                amounts.stream().min(Comparator.naturalOrder()).orElse(null),
                amounts.stream().max(Comparator.naturalOrder()).orElse(null),
                family.stream().map(Map.Entry::getKey).max(Comparator.naturalOrder()).orElse(null));
    }

    private long maxId(int customer) {
        return expected(customer).maxId();
    }

    private Summary summary(int customer) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(
                "SELECT row_count, value_sum, value_min, value_max, max_id FROM orders_family_summary "
                        + "WHERE family_key = ?")) {
            s.setString(1, Integer.toString(customer));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Summary(rs.getLong(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4),
                        rs.getObject(5, Long.class));
            }
        }
    }

    private long summaryRowCount() throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders_family_summary")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
