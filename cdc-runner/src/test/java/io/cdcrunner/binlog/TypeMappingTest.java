package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.mapping.SourceRecordJson;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Every column type of each flavor through a real binlog, a bare Debezium engine (its connector for the flavor) with
 * {@link RecordMapper#connectorProperties()}, and {@link RecordMapper}: values must come out exactly as
 * {@link Row}'s Javadoc promises, type and value.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class TypeMappingTest {

    private static final String DB = "types";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private static LocalServer db;
    private static CapturingEngine engine;
    private static final RecordMapper mapper = new RecordMapper();

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void startDatabaseAndEngine(Flavor flavor) throws Exception {
        db = flavor.builder().start();
        db.createCdcUser("cdc", "cdc-secret");
        db.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4",
                "CREATE TABLE " + DB + ".sentinel (id INT AUTO_INCREMENT PRIMARY KEY)",
                AllTypesTable.create(DB),
                "CREATE TABLE " + DB + ".people (id INT PRIMARY KEY, name VARCHAR(20), seq SERIAL)");
        engine = new CapturingEngine(db, "cdc", "cdc-secret", DB, Map.of());
        // The engine accepts inserts before it streams the binlog; only a delivered row proves it streams.
        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(250)).until(() -> {
            db.execute("INSERT INTO " + DB + ".sentinel () VALUES ()");
            return !events("sentinel").isEmpty();
        });
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        } finally {
            if (db != null) {
                db.close();
                db = null;
            }
        }
    }

    @Test
    void everyColumnTypeMapsToItsDocumentedJavaTypeAndExactValue() {
        db.execute(AllTypesTable.inserts(DB));

        List<ChangeEvent> events = await().atMost(DELIVERY).until(() -> events("all_types"), e -> e.size() == 4);

        assertThat(events).extracting(ChangeEvent::database).containsOnly(DB);
        AllTypesTable.assertRows(events, flavor);
    }

    @Test
    void aRecordKeptAsConnectJsonMapsToTheSameEventAsTheRecordItself() {
        db.execute(AllTypesTable.create(DB).replace(".all_types ", ".all_types_json "));
        db.execute(java.util.Arrays.stream(AllTypesTable.inserts(DB)).map(sql -> sql.replace(".all_types ", ".all_types_json "))
                .toArray(String[]::new));
        await().atMost(DELIVERY).until(() -> events("all_types_json"), e -> e.size() >= 4);

        List<SourceRecord> records = engine.records().stream()
                .filter(r -> mapper.map(r) != null && mapper.map(r).table().equals("all_types_json")).toList();
        assertThat(records).hasSize(4);
        for (SourceRecord record : records) {
            ChangeEvent again = mapper.map(SourceRecordJson.read(SourceRecordJson.write(record)));
            ChangeEvent original = mapper.map(record);
            // Row.equals compares arrays and values exactly; the NULL in a column with a DEFAULT stays NULL.
            for (String column : original.after().columns()) {
                assertThat(again.after().get(column)).as(column + " of " + original).isEqualTo(original.after().get(column));
            }
            assertThat(again).isEqualTo(original);
        }
    }

    @Test
    void zeroDatesZeroYearAndSpatialValues() {
        // MySQL's default sql_mode refuses zero dates (NO_ZERO_DATE, NO_ZERO_IN_DATE); MariaDB's accepts them.
        db.execute("SET SESSION sql_mode = ''", "CREATE TABLE " + DB + ".odd_values (id INT PRIMARY KEY,"
                        + " d DATE NOT NULL, dt DATETIME(6) NOT NULL, ts TIMESTAMP(6) NOT NULL,"
                        + " d_null DATE NULL, dt_null DATETIME(6) NULL, ts_null TIMESTAMP(6) NULL, pt POINT, y YEAR,"
                        + " d_early DATE, dt_early DATETIME(6))",
                "INSERT INTO " + DB + ".odd_values VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',"
                        + " '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', ST_GeomFromText('POINT(1 2)', 4326),"
                        + " '0000', '0050-03-04', '0001-01-01 00:00:00.000001')");

        Row row = await().atMost(DELIVERY).until(() -> events("odd_values"), e -> e.size() == 1).get(0).after();

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 1);
        // Debezium turns zero dates into NULL, then NOT NULL columns into its fallback value, the epoch.
        expected.put("d", LocalDate.EPOCH);
        expected.put("dt", LocalDateTime.of(1970, 1, 1, 0, 0));
        // The zero TIMESTAMP is stored as epoch second 0, a value no real TIMESTAMP can hold (they start at 1 s).
        expected.put("ts", Instant.EPOCH);
        expected.put("d_null", null);
        expected.put("dt_null", null);
        // One rule for the three types: a zero value in a nullable column is null.
        expected.put("ts_null", null);
        // The value written with SRID 4326 keeps it, beside the WKB of POINT(1 2). MySQL reads the text of a 4326
        // point latitude first (lat 1, long 2) and stores, and writes to the binlog, longitude first: POINT(2 1).
        expected.put("pt", io.cdcrunner.processor.Geometry.of(4326, HexFormat.of().parseHex(flavor == Flavor.MYSQL
                ? "01010000000000000000000040000000000000f03f" : "0101000000000000000000f03f0000000000000040")));
        expected.put("y", Year.of(0));
        // Years below 100 are real years here: the server expands two-digit years before they reach the binlog.
        expected.put("d_early", LocalDate.of(50, 3, 4));
        expected.put("dt_early", LocalDateTime.of(1, 1, 1, 0, 0, 0, 1_000));
        ExactRows.assertExactly(row, expected);
    }

    @Test
    void updatesAndDeletesCarryBothImages() {
        db.execute("INSERT INTO " + DB + ".people (id, name) VALUES (1, 'Ada')",
                "UPDATE " + DB + ".people SET name = 'Grace' WHERE id = 1",
                "UPDATE " + DB + ".people SET id = 2 WHERE id = 1",
                "DELETE FROM " + DB + ".people WHERE id = 2");

        List<ChangeEvent> events = await().atMost(DELIVERY).until(() -> events("people"), e -> e.size() == 5);

        Map<String, Object> ada = person(1, "Ada");
        Map<String, Object> grace = person(1, "Grace");
        Map<String, Object> graceMoved = person(2, "Grace");

        assertThat(events.get(0).operation()).isEqualTo(Operation.INSERT);
        ExactRows.assertExactly(events.get(0).after(), ada);

        ChangeEvent update = events.get(1);
        assertThat(update.operation()).isEqualTo(Operation.UPDATE);
        ExactRows.assertExactly(update.before(), ada);
        ExactRows.assertExactly(update.after(), grace);
        assertThat(update.row()).isEqualTo(update.after());
        assertThat(update.key()).isEqualTo(Row.of(Map.of("id", 1)));

        // Debezium turns a primary-key change into a delete of the old key and an insert of the new one.
        assertThat(events.get(2).operation()).isEqualTo(Operation.DELETE);
        ExactRows.assertExactly(events.get(2).before(), grace);
        assertThat(events.get(3).operation()).isEqualTo(Operation.INSERT);
        ExactRows.assertExactly(events.get(3).after(), graceMoved);

        ChangeEvent delete = events.get(4);
        assertThat(delete.operation()).isEqualTo(Operation.DELETE);
        ExactRows.assertExactly(delete.before(), graceMoved);
        assertThat(delete.after().isEmpty()).isTrue();
        assertThat(delete.row()).isEqualTo(delete.before());
        assertThat(delete.key()).isEqualTo(Row.of(Map.of("id", 2)));
    }

    private static Map<String, Object> person(int id, String name) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        // SERIAL is BIGINT UNSIGNED.
        row.put("seq", BigInteger.ONE);
        return row;
    }

    @Test
    void positionIdentifiesEachRowAndTransactionIdIsTheGtid() {
        Instant before = Instant.now().minusSeconds(1);
        db.execute("CREATE TABLE " + DB + ".ledger (id INT PRIMARY KEY)",
                "START TRANSACTION",
                "INSERT INTO " + DB + ".ledger VALUES (1), (2)",
                "INSERT INTO " + DB + ".ledger VALUES (3)",
                "COMMIT");

        List<ChangeEvent> events = await().atMost(DELIVERY).until(() -> events("ledger"), e -> e.size() == 3);

        for (ChangeEvent event : events) {
            assertThat(event.position().flavor())
                    .isEqualTo(flavor == Flavor.MYSQL ? ServerFlavor.MYSQL : ServerFlavor.MARIADB);
            assertThat(event.position().serverId()).isEqualTo(1L);
            assertThat(event.position().binlogFile()).startsWith("binlog.");
            assertThat(event.position().binlogPosition()).isPositive();
            // MariaDB's GTID is domain-server-sequence; MySQL's is the server's UUID and a transaction number.
            assertThat(event.position().gtid()).matches(flavor == Flavor.MYSQL
                    ? "\\p{XDigit}{8}(-\\p{XDigit}{4}){3}-\\p{XDigit}{12}:\\d+" : "0-1-\\d+");
            assertThat(event.transactionId()).isEqualTo(event.position().gtid());
            assertThat(event.commitTime()).isBetween(before, Instant.now().plusSeconds(1));
        }
        assertThat(events).extracting(ChangeEvent::transactionId).containsOnly(events.get(0).transactionId());
        assertThat(events).extracting(ChangeEvent::eventId).doesNotHaveDuplicates();
        assertThat(events).extracting(e -> e.position().row()).containsExactly(0, 1, 0);
    }

    /** The mapped row changes of {@code table} delivered so far, in binlog order. */
    private static List<ChangeEvent> events(String table) {
        List<ChangeEvent> events = new ArrayList<>();
        for (SourceRecord record : engine.records()) {
            ChangeEvent event = mapper.map(record);
            if (event != null && event.table().equals(table)) {
                events.add(event);
            }
        }
        return events;
    }
}
