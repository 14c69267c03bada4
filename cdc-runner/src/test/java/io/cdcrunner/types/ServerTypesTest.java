package io.cdcrunner.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Every column type the server accepts, under its aliases and at the ends of its range, through the running daemon:
 * each delivered value must equal, in the documented Java type, what a JDBC SELECT of the same row says
 * ({@link JdbcExpectation}). Columns are then added, dropped and moved while the daemon streams.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class ServerTypesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static final String DB = "typed";
    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    /**
     * One column per alias and type; the server resolves each alias to the type information_schema reports. Only the
     * spatial reference of the POINT column is spelled per flavor: MariaDB's {@code REF_SYSTEM_ID=4326}, MySQL's
     * {@code SRID 4326} (each rejects the other's).
     */
    static String table(Flavor flavor) {
        return "CREATE TABLE " + DB + ".aliases ("
            + " id SERIAL PRIMARY KEY,"
            + " c_bool BOOL, c_boolean BOOLEAN, c_int1 INT1, c_int2 INT2, c_int3 INT3, c_int4 INT4, c_int8 INT8,"
            + " c_middleint MIDDLEINT, c_integer INTEGER,"
            + " c_tinyint_u TINYINT UNSIGNED, c_smallint_u SMALLINT UNSIGNED, c_mediumint_u MEDIUMINT UNSIGNED,"
            + " c_int_u INT UNSIGNED, c_bigint_u BIGINT UNSIGNED,"
            + " c_zerofill INT(6) ZEROFILL, c_bigint_zerofill BIGINT ZEROFILL,"
            + " c_dec DEC(10,2), c_numeric NUMERIC(20,6), c_fixed FIXED(5,5), c_decimal65 DECIMAL(65,0),"
            + " c_double_precision DOUBLE PRECISION, c_real REAL, c_float4 FLOAT4, c_float8 FLOAT8, c_float30 FLOAT(30),"
            + " c_character CHARACTER(5), c_national_varchar NATIONAL VARCHAR(10), c_nchar NCHAR(3),"
            + " c_long_varchar LONG VARCHAR, c_long LONG, c_long_varbinary LONG VARBINARY,"
            + " c_tinytext TINYTEXT, c_mediumtext MEDIUMTEXT, c_tinyblob TINYBLOB, c_mediumblob MEDIUMBLOB,"
            + " c_longblob LONGBLOB, c_binary BINARY(3), c_char_byte CHAR(4) BYTE,"
            + " c_year YEAR, c_date DATE, c_datetime DATETIME(3), c_timestamp TIMESTAMP(3) NULL, c_time TIME(3),"
            + " c_enum ENUM('a','b'), c_set SET('x','y','z'), c_bit BIT(1), c_bit64 BIT(64), c_json JSON,"
            + " c_geometry GEOMETRY, c_point POINT "
            + (flavor == Flavor.MYSQL ? "SRID 4326" : "REF_SYSTEM_ID=4326") + ", c_linestring LINESTRING, c_polygon POLYGON,"
            + " c_multipoint MULTIPOINT, c_multilinestring MULTILINESTRING, c_multipolygon MULTIPOLYGON,"
            + " c_geometrycollection GEOMETRYCOLLECTION,"
            + " c_virtual BIGINT AS (c_int4 * 2) VIRTUAL, c_stored VARCHAR(20) AS (CONCAT('s', c_int4)) STORED,"
            + " c_invisible INT INVISIBLE DEFAULT 7"
            + ") CHARACTER SET utf8mb4";
    }

    static final String COLUMNS = "id, c_bool, c_boolean, c_int1, c_int2, c_int3, c_int4, c_int8, c_middleint,"
            + " c_integer, c_tinyint_u, c_smallint_u, c_mediumint_u, c_int_u, c_bigint_u, c_zerofill, c_bigint_zerofill,"
            + " c_dec, c_numeric, c_fixed, c_decimal65, c_double_precision, c_real, c_float4, c_float8, c_float30,"
            + " c_character, c_national_varchar, c_nchar, c_long_varchar, c_long, c_long_varbinary, c_tinytext,"
            + " c_mediumtext, c_tinyblob, c_mediumblob, c_longblob, c_binary, c_char_byte, c_year, c_date, c_datetime,"
            + " c_timestamp, c_time, c_enum, c_set, c_bit, c_bit64, c_json, c_geometry, c_point, c_linestring,"
            + " c_polygon, c_multipoint, c_multilinestring, c_multipolygon, c_geometrycollection, c_invisible";

    private static final String GEOMETRIES = "ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(13.4 52.5)', 4326),"
            + " ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'), ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))'),"
            + " ST_GeomFromText('MULTIPOINT(1 1, 2 2)'), ST_GeomFromText('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))'),"
            + " ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))'),"
            + " ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1))')";

    static final List<String> ROWS = List.of(
            // The low end of every range.
            "(1, 0, 0, -128, -32768, -8388608, -2147483648, -9223372036854775808, -8388608, -2147483648, 0, 0, 0, 0, 0,"
                    + " 0, 0, -99999999.99, -99999999999999.999999, -0.99999, -" + "9".repeat(65) + ","
                    + " -1.7976931348623157E308, -2.2250738585072014E-308, -3.4028234E38, -1.7976931348623157E308,"
                    + " 5e-324, '', '', '', '', '', x'', '', '', x'', x'', x'', x'000000', '', 1901, '1000-01-01',"
                    + " '1000-01-01 00:00:00.000', '1970-01-01 05:30:01.000', '-838:59:59.000', 'a', '', b'0',"
                    + " b'0', '[]', " + GEOMETRIES + ", -1)",
            // The high end.
            "(18446744073709551615, 1, 1, 127, 32767, 8388607, 2147483647, 9223372036854775807, 8388607, 2147483647,"
                    + " 255, 65535, 16777215, 4294967295, 18446744073709551615, 999999, 18446744073709551615,"
                    + " 99999999.99, 99999999999999.999999, 0.99999, " + "9".repeat(65) + ", 1.7976931348623157E308,"
                    + " 2.2250738585072014E-308, 3.4028234E38, 1.7976931348623157E308, 1e300, 'zzzzz', 'ñandú€',"
                    + " 'abc', REPEAT('x', 70000), REPEAT('y', 70000), REPEAT(x'ff', 70000), REPEAT('t', 255),"
                    + " REPEAT('m', 70000), REPEAT(x'01', 255), REPEAT(x'02', 70000), REPEAT(x'03', 70000), x'ffffff',"
                    + " 'abcd', 2155, '9999-12-31', '9999-12-31 23:59:59.999', '2038-01-19 08:44:07.999',"
                    + " '838:59:59.000', 'b', 'x,y,z', b'1', x'ffffffffffffffff', '{\"k\": [1, 2.5e3, \"😀\"]}',"
                    + " " + GEOMETRIES + ", 2147483647)",
            // Ordinary values.
            "(42, 1, 0, 7, -7, 77, 777, 7777, -77, 0, 1, 2, 3, 4, 5, 42, 42, 12.30, 0.000001, 0.5, 1, 0.1, 0.1, 0.1,"
                    + " 0.1, 0.1, 'ab', 'x', 'y', 'long', 'text', x'00ff', 'tiny', 'medium', x'0a', x'0b', x'0c',"
                    + " x'010203', 'ab', 2024, '2024-02-29', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789',"
                    + " '12:34:56.789', 'a', 'z,x', b'1', b'101', '{}', " + GEOMETRIES + ", 0)",
            // NULL wherever the column allows it (SERIAL is NOT NULL, the virtual and stored columns compute NULL).
            "(43" + ", NULL".repeat(57) + ")");

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4", table(flavor));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    @Test
    void everyTypeAndAliasArrivesAsItsDocumentedJavaTypeEqualToAJdbcSelectOfTheRow() throws Exception {
        Path state = Files.createDirectories(temp.resolve("aliases"));
        RecordingProcessor.reset("types");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "types", "source.tables", DB + ".aliases")))) {
            pipeline.start();
            for (String row : ROWS) {
                db.execute("SET time_zone = '+05:30'", "INSERT INTO " + DB + ".aliases (" + COLUMNS + ") VALUES " + row);
            }
            awaitIds(pipeline, "1", "18446744073709551615", "42", "43");
            assertMatchesServer(List.of("1", "18446744073709551615", "42", "43"));

            // Mid-stream schema changes: add in the middle, drop, move to the front, change a type.
            db.execute("ALTER TABLE " + DB + ".aliases ADD COLUMN c_added DECIMAL(6,2) DEFAULT 1.50 AFTER c_int1",
                    "ALTER TABLE " + DB + ".aliases DROP COLUMN c_middleint",
                    "ALTER TABLE " + DB + ".aliases MODIFY COLUMN c_json JSON FIRST",
                    "ALTER TABLE " + DB + ".aliases MODIFY COLUMN c_int2 BIGINT",
                    "INSERT INTO " + DB + ".aliases (id, c_added, c_int2, c_json, c_int4) VALUES (44, 9.99,"
                            + " 9223372036854775807, '[true]', 5)");
            awaitIds(pipeline, "44");
            assertMatchesServer(List.of("44"));
            Row moved = delivered("44").after();
            assertThat(moved.columns()).first().isEqualTo("c_json");
            assertThat(moved.has("c_middleint")).isFalse();
            assertThat(moved.get("c_int2")).isEqualTo(Long.MAX_VALUE);
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
    }

    @Test
    void mariaDbUuidValuesArriveAsTheServerShowsThem() throws Exception {
        assumeTrue(flavor == Flavor.MARIADB, "UUID is a MariaDB type");
        db.execute("CREATE TABLE " + DB + ".uuids (id INT PRIMARY KEY, u UUID, u_nn UUID NOT NULL DEFAULT UUID())");
        Path state = Files.createDirectories(temp.resolve("uuid"));
        RecordingProcessor.reset("uuid");
        List<String> values = List.of("'123e4567-e89b-12d3-a456-426655440000'", "'00000000-0000-0000-0000-000000000000'",
                "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'00000000-0000-4000-8000-000000000001'", "UUID()",
                "'f47ac10b-58cc-4372-a567-0e02b2c3d479'", "NULL");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "uuid", "source.tables", DB + ".uuids")))) {
            pipeline.start();
            for (int i = 0; i < values.size(); i++) {
                db.execute("INSERT INTO " + DB + ".uuids (id, u) VALUES (" + i + ", " + values.get(i) + ")");
            }
            await().atMost(WAIT).until(() -> RecordingProcessor.events("uuid").size() >= values.size()
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
        // The same rows read by a snapshot (SELECT, not the binlog) come out the same.
        RecordingProcessor.reset("uuid-snapshot");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("uuid-s")),
                Map.of("pipeline.name", "uuid-snapshot", "source.tables", DB + ".uuids", "source.start", "snapshot")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("uuid-snapshot").size() >= values.size()
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isIn(PipelineState.SNAPSHOTTING, PipelineState.STREAMING);
        }
        try (Connection c = db.rootConnection()) {
            List<JdbcExpectation.Column> columns = JdbcExpectation.columns(c, DB, "uuids");
            for (String pipeline : List.of("uuid", "uuid-snapshot")) {
                assertThat(RecordingProcessor.events(pipeline)).hasSize(values.size());
                for (ChangeEvent event : RecordingProcessor.events(pipeline)) {
                    Map<String, Object> expected = JdbcExpectation.expected(c, DB, "uuids", columns,
                            "id = " + event.after().get("id"));
                    assertThat(event.after().asMap()).as(pipeline).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void mariaDbInetValuesArriveAsTheServerShowsThem() throws Exception {
        assumeTrue(flavor == Flavor.MARIADB, "INET4 and INET6 are MariaDB types");
        db.execute("CREATE TABLE " + DB + ".hosts (id INT PRIMARY KEY, inet6 INT, ip4 INET4, ip6 INET6,"
                + " ip4_nn INET4 NOT NULL DEFAULT '127.0.0.1', ip6_nn INET6 NOT NULL DEFAULT '::1')");
        List<String> ip6 = new java.util.ArrayList<>(List.of("::", "::1", "1::", "2001:db8::", "2001:db8::1",
                "2001:db8:0:1:0:0:0:1", "1:0:2:3:4:5:6:7", "1:2:3:4:5:6:7:0", "1:0:0:2:0:0:0:3",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:192.0.2.1", "::192.0.2.1", "::ffff:0.0.0.0",
                "::1:0:0", "::ffff:1:2", "fe80::1%1".substring(0, 7), "0:0:0:0:0:ffff:c000:0201", "::0.0.1.0"));
        java.util.Random random = new java.util.Random(10);
        for (int i = 0; i < 40; i++) {
            // Random groups, some zero, so runs of zeros of every length and place occur.
            StringBuilder address = new StringBuilder();
            for (int group = 0; group < 8; group++) {
                address.append(group == 0 ? "" : ":").append(random.nextInt(3) == 0 ? "0"
                        : Integer.toHexString(random.nextInt(1 << (4 * (1 + random.nextInt(4))))));
            }
            ip6.add(address.toString());
        }
        List<String> ip4 = List.of("0.0.0.0", "255.255.255.255", "192.0.2.1", "10.0.0.0", "1.0.0.0", "0.0.0.1");
        Path state = Files.createDirectories(temp.resolve("inet"));
        RecordingProcessor.reset("inet");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "inet", "source.tables", DB + ".hosts")))) {
            pipeline.start();
            for (int i = 0; i < ip6.size(); i++) {
                db.execute("INSERT INTO " + DB + ".hosts (id, inet6, ip4, ip6) VALUES (" + i + ", " + i + ", '"
                        + ip4.get(i % ip4.size()) + "', '" + ip6.get(i) + "')");
            }
            db.execute("INSERT INTO " + DB + ".hosts (id) VALUES (" + ip6.size() + ")");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("inet").size() > ip6.size()
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
            // Added while streaming, by a statement the engine's own parser cannot read.
            db.execute("ALTER TABLE " + DB + ".hosts ADD COLUMN later INET6 AFTER id",
                    "INSERT INTO " + DB + ".hosts (id, later) VALUES (1000, '2001:db8::7')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("inet").size() > ip6.size() + 1
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
        }
        RecordingProcessor.reset("inet-snapshot");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("inet-s")),
                Map.of("pipeline.name", "inet-snapshot", "source.tables", DB + ".hosts", "source.start", "snapshot")))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> RecordingProcessor.events("inet-snapshot").size() > ip6.size() + 1
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).isIn(PipelineState.SNAPSHOTTING, PipelineState.STREAMING);
        }
        try (Connection c = db.rootConnection()) {
            List<JdbcExpectation.Column> columns = JdbcExpectation.columns(c, DB, "hosts");
            List<ChangeEvent> streamed = RecordingProcessor.events("inet");
            assertThat(streamed).hasSize(ip6.size() + 2);
            for (ChangeEvent event : streamed.subList(0, ip6.size() + 1)) {
                Map<String, Object> expected = new java.util.HashMap<>(JdbcExpectation.expected(c, DB, "hosts", columns,
                        "id = " + event.after().get("id")));
                expected.remove("later");
                assertThat(event.after().asMap()).as("streamed").isEqualTo(expected);
            }
            assertThat(streamed.get(ip6.size() + 1).after().asMap()).isEqualTo(JdbcExpectation.expected(c, DB, "hosts",
                    columns, "id = 1000"));
            for (ChangeEvent event : RecordingProcessor.events("inet-snapshot")) {
                assertThat(event.after().asMap()).as("snapshot").isEqualTo(JdbcExpectation.expected(c, DB, "hosts",
                        columns, "id = " + event.after().get("id")));
            }
        }
    }

    @Test
    void zeroAndPartlyZeroDatesFollowOneRuleInDateDatetimeAndTimestamp() throws Exception {
        // MySQL's default sql_mode refuses the zero default (NO_ZERO_DATE); MariaDB's has no such mode.
        db.execute("SET SESSION sql_mode = ''", "CREATE TABLE " + DB + ".zero_dates (id INT PRIMARY KEY, d DATE NULL,"
                + " d_nn DATE NOT NULL, dt DATETIME NULL, dt_nn DATETIME NOT NULL, ts TIMESTAMP NULL, ts_nn TIMESTAMP NOT NULL DEFAULT 0)");
        Path state = Files.createDirectories(temp.resolve("zero"));
        RecordingProcessor.reset("zero");
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "zero", "source.tables", DB + ".zero_dates")))) {
            pipeline.start();
            db.execute("SET SESSION sql_mode = ''",
                    "INSERT INTO " + DB + ".zero_dates VALUES (1, '0000-00-00', '0000-00-00', '0000-00-00 00:00:00',"
                            + " '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')",
                    "INSERT INTO " + DB + ".zero_dates VALUES (2, '2020-00-15', '2020-00-15', '2020-00-15 10:00:00',"
                            + " '2020-00-15 10:00:00', '2020-00-15 10:00:00', '2020-00-15 10:00:00')",
                    "INSERT INTO " + DB + ".zero_dates VALUES (3, '2020-05-00', '2020-05-00', '2020-05-00 10:00:00',"
                            + " '2020-05-00 10:00:00', '2020-05-00 10:00:00', '2020-05-00 10:00:00')",
                    "INSERT INTO " + DB + ".zero_dates VALUES (4, '1970-01-01', '1970-01-01', '1970-01-01 00:00:00',"
                            + " '1970-01-01 00:00:00', NULL, '1970-01-01 00:00:01')");
            await().atMost(WAIT).until(() -> RecordingProcessor.events("zero").size() >= 4 || pipeline.state().isFinal());
            assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        }
        List<Row> rows = RecordingProcessor.events("zero").stream().map(ChangeEvent::after).toList();
        // Zero and partly-zero values hold no calendar date: null where the column is nullable, the epoch where
        // it is NOT NULL. (The server itself stores a partly-zero TIMESTAMP as the zero one.)
        for (Row row : rows.subList(0, 3)) {
            assertThat(row.get("d")).as("row %s", row).isNull();
            assertThat(row.get("dt")).as("row %s", row).isNull();
            assertThat(row.get("ts")).as("row %s", row).isNull();
            assertThat(row.get("d_nn")).isEqualTo(java.time.LocalDate.EPOCH);
            assertThat(row.get("dt_nn")).isEqualTo(java.time.LocalDateTime.of(1970, 1, 1, 0, 0));
            assertThat(row.get("ts_nn")).isEqualTo(java.time.Instant.EPOCH);
        }
        Row real = rows.get(3);
        assertThat(real.get("d")).isEqualTo(java.time.LocalDate.EPOCH);
        assertThat(real.get("ts")).isNull();
        assertThat(real.get("ts_nn")).isEqualTo(java.time.Instant.ofEpochSecond(1));
    }

    private static void awaitIds(Pipeline pipeline, String... ids) {
        await().atMost(WAIT).until(() -> pipeline.state().isFinal()
                || List.of(ids).stream().allMatch(id -> find(id).isPresent()));
        assertThat(pipeline.state()).as("pipeline failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
    }

    private static Optional<ChangeEvent> find(String id) {
        return RecordingProcessor.events("types").stream()
                .filter(e -> new BigInteger(id).equals(e.after().get("id"))).findFirst();
    }

    private static ChangeEvent delivered(String id) {
        return find(id).orElseThrow();
    }

    private static void assertMatchesServer(List<String> ids) throws Exception {
        try (Connection c = db.rootConnection()) {
            List<JdbcExpectation.Column> columns = JdbcExpectation.columns(c, DB, "aliases");
            for (String id : ids) {
                Map<String, Object> expected = JdbcExpectation.expected(c, DB, "aliases", columns, "id = " + id);
                ChangeEvent event = delivered(id);
                assertThat(event.key()).isEqualTo(Row.of(Map.of("id", new BigInteger(id))));
                for (JdbcExpectation.Column column : columns) {
                    Object value = event.after().get(column.name());
                    String what = column.name() + " " + column.columnType() + " in row " + id;
                    assertThat(event.after().has(column.name())).as(what + " delivered").isTrue();
                    if (expected.get(column.name()) == null) {
                        assertThat(value).as(what).isNull();
                    } else {
                        assertThat(value).as(what).isInstanceOf(column.javaType()).isEqualTo(expected.get(column.name()));
                    }
                }
                assertThat(event.after().columns()).as("columns of row " + id)
                        .containsExactlyElementsOf(columns.stream().map(JdbcExpectation.Column::name).toList());
            }
        }
    }
}
