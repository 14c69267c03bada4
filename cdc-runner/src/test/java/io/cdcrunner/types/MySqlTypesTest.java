package io.cdcrunner.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * MySQL's types at their edges through the running daemon, each delivered value equal to what a JDBC SELECT of the
 * row says ({@link JdbcExpectation}): binary JSON (small, nested, unicode, about 1 MB, and updated in place by
 * JSON_SET/JSON_REPLACE/JSON_REMOVE), BIT(1/8/64), TIME/DATETIME/TIMESTAMP at every fractional precision, spatial
 * values with SRID 4326, the utf8mb4_0900_ai_ci and utf8mb4_bin collations, generated and INVISIBLE columns, integers
 * at both ends, DECIMAL(65,30). MySQL only: MariaDB's JSON is text, it has no SRID column attribute, no
 * utf8mb4_0900 collations and other INVISIBLE semantics; {@link ServerTypesTest} covers what both share.
 */
@DatabaseTest
class MySqlTypesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TABLE = "edges.mysql_edges";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedDatabase SERVER = new SharedDatabase(Flavor.MYSQL);
    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        db = SERVER.db();
        StringBuilder temporal = new StringBuilder();
        for (int fsp = 0; fsp <= 6; fsp++) {
            temporal.append(" t").append(fsp).append(" TIME(").append(fsp).append("), dt").append(fsp)
                    .append(" DATETIME(").append(fsp).append("), ts").append(fsp).append(" TIMESTAMP(").append(fsp)
                    .append(") NULL,");
        }
        db.execute("CREATE DATABASE edges CHARACTER SET utf8mb4", "CREATE TABLE " + TABLE + " (id INT PRIMARY KEY,"
                + " j JSON, e ENUM('a', 'b', 'ü€'), s SET('x', 'y', 'z'), b1 BIT(1), b8 BIT(8), b64 BIT(64), y YEAR,"
                + temporal
                + " pt POINT SRID 4326, ls LINESTRING SRID 4326, g GEOMETRY,"
                + " ci VARCHAR(20) COLLATE utf8mb4_0900_ai_ci, cb VARCHAR(20) COLLATE utf8mb4_bin,"
                + " ch CHAR(5) COLLATE utf8mb4_bin, vb VARBINARY(20), bl BLOB,"
                + " gv BIGINT AS (id * 2) VIRTUAL, gs VARCHAR(30) AS (CONCAT(ci, '!')) STORED,"
                + " gj VARCHAR(50) AS (j ->> '$.name') VIRTUAL, inv VARCHAR(10) INVISIBLE DEFAULT 'hidden',"
                + " i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u16 SMALLINT UNSIGNED, i24 MEDIUMINT,"
                + " u24 MEDIUMINT UNSIGNED, i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED,"
                + " dec65 DECIMAL(65,30), f FLOAT, d DOUBLE)");
    }

    @Test
    void edgeValuesAndInPlaceJsonUpdatesArriveAsAJdbcSelectOfTheRowShowsThem() throws Exception {
        // The updates below must reach the binlog as whole documents, not as JSON diffs (PARTIAL_JSON).
        assertThat(db.server().queryString("SELECT @@GLOBAL.binlog_row_value_options")).isEmpty();
        Path state = Files.createDirectories(temp.resolve("edges"));
        RecordingProcessor.reset("edges");
        List<Map<String, Object>> expected = new ArrayList<>();
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, state,
                Map.of("pipeline.name", "edges", "source.tables", TABLE, "source.operations", "insert,update")));
             Connection c = db.rootConnection()) {
            pipeline.start();
            List<JdbcExpectation.Column> columns = JdbcExpectation.columns(c, "edges", "mysql_edges");
            List<String> names = columns.stream().map(JdbcExpectation.Column::name).toList();
            List<String> statements = new ArrayList<>(List.of(
                    insert(names, 1, lowest()), insert(names, 2, highest()), insert(names, 3, ordinary()),
                    "INSERT INTO " + TABLE + " (id, inv) VALUES (4, NULL)",
                    "INSERT INTO " + TABLE + " (id, j) VALUES (5, '" + largeJson() + "')",
                    "UPDATE " + TABLE + " SET j = JSON_SET(j, '$.nested.a[0]', 42, '$.added', 'new 😀') WHERE id = 2",
                    "UPDATE " + TABLE + " SET j = JSON_REPLACE(j, '$.name', 'replaced') WHERE id = 2",
                    "UPDATE " + TABLE + " SET j = JSON_REMOVE(j, '$.nested.c') WHERE id = 2",
                    "UPDATE " + TABLE + " SET j = JSON_SET(j, '$.items[0].s', 'changed') WHERE id = 5"));
            List<Integer> ids = List.of(1, 2, 3, 4, 5, 2, 2, 2, 5);
            for (int i = 0; i < statements.size(); i++) {
                db.execute("SET time_zone = '+00:00'", statements.get(i));
                expected.add(JdbcExpectation.expected(c, "edges", "mysql_edges", columns, "id = " + ids.get(i)));
            }
            await().atMost(WAIT).until(() -> RecordingProcessor.events("edges").size() >= statements.size()
                    || pipeline.state().isFinal());
            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);

            List<ChangeEvent> events = RecordingProcessor.events("edges");
            assertThat(events).hasSize(statements.size());
            for (int i = 0; i < events.size(); i++) {
                ChangeEvent event = events.get(i);
                assertThat(event.operation()).isEqualTo(i < 5 ? Operation.INSERT : Operation.UPDATE);
                assertIsTheServers(event.after(), expected.get(i), columns, "after of statement " + (i + 1));
            }
            // Each update's before image is the document the previous statement left.
            assertIsTheServers(events.get(5).before(), expected.get(1), columns, "before of the JSON_SET");
            assertIsTheServers(events.get(6).before(), expected.get(5), columns, "before of the JSON_REPLACE");
            assertIsTheServers(events.get(7).before(), expected.get(6), columns, "before of the JSON_REMOVE");
            assertIsTheServers(events.get(8).before(), expected.get(4), columns, "before of the large JSON_SET");
        }
        Row large = RecordingProcessor.events("edges").get(8).after();
        assertThat(large.getString("j").length()).isGreaterThan(1_000_000);
        assertThat(large.getString("j")).startsWith("{\"items\":[{\"i\":0,\"s\":\"changed\"}");
        Row highest = RecordingProcessor.events("edges").get(1).after();
        // A geographic point is delivered longitude first, as MySQL stores it: POINT(90 180) (lat 90, long 180).
        assertThat(HexFormat.of().formatHex(highest.get("pt", io.cdcrunner.processor.Geometry.class).wkb()))
                .isEqualTo("01010000000000000000806640" + "0000000000805640");
        assertThat(highest.get("inv")).isEqualTo("seen");
        // The engine writes a JSON double it would print with an exponent as the double's exact decimal expansion:
        // 1e-7 arrives as 0.0000000999...; the same double, as a JSON parser reads it, but not the server's text.
        assertThat(highest.getString("j")).contains(",2500.0,0.0000000999999999999999954748111825886258685613938723"
                + "690807819366455078125,");
    }

    private static JsonNode json(String text) throws JsonProcessingException {
        return JSON.readTree(text);
    }

    private static void assertIsTheServers(Row row, Map<String, Object> expected, List<JdbcExpectation.Column> columns,
                                           String what) throws JsonProcessingException {
        assertThat(row.columns()).as(what).containsExactlyElementsOf(expected.keySet());
        for (JdbcExpectation.Column column : columns) {
            Object want = expected.get(column.name());
            String description = column.name() + " " + column.columnType() + ", " + what;
            if (want == null) {
                assertThat(row.get(column.name())).as(description).isNull();
            } else if (column.columnType().equals("json")) {
                // The same document; the text may spell a double otherwise (see the test).
                assertThat(row.get(column.name())).as(description).isInstanceOf(String.class);
                assertThat(json(row.getString(column.name()))).as(description).isEqualTo(json((String) want));
            } else {
                assertThat(row.get(column.name())).as(description).isInstanceOf(column.javaType()).isEqualTo(want);
            }
        }
    }

    /** An INSERT of the listed values for every column but id and the generated ones. */
    private static String insert(List<String> names, int id, Map<String, String> values) {
        StringJoiner columns = new StringJoiner(", ");
        StringJoiner literals = new StringJoiner(", ");
        columns.add("id");
        literals.add(Integer.toString(id));
        for (String name : names) {
            if (values.containsKey(name)) {
                columns.add(name);
                literals.add(values.get(name));
            }
        }
        return "INSERT INTO " + TABLE + " (" + columns + ") VALUES (" + literals + ")";
    }

    private static Map<String, String> lowest() {
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("j", "'{\"name\": \"small\"}'");
        v.put("e", "'a'");
        v.put("s", "''");
        v.put("b1", "b'0'");
        v.put("b8", "b'0'");
        v.put("b64", "b'0'");
        v.put("y", "1901");
        for (int fsp = 0; fsp <= 6; fsp++) {
            v.put("t" + fsp, "'-838:59:59'");
            v.put("dt" + fsp, "'1000-01-01 00:00:00'");
            v.put("ts" + fsp, "'1970-01-01 00:00:01'");
        }
        v.put("pt", "ST_GeomFromText('POINT(-90 -180)', 4326)");
        v.put("ls", "ST_GeomFromText('LINESTRING(0 0, 10 10)', 4326)");
        v.put("g", "ST_GeomFromText('POINT(0 0)')");
        v.put("ci", "''");
        v.put("cb", "''");
        v.put("ch", "''");
        v.put("vb", "x''");
        v.put("bl", "x''");
        v.put("inv", "''");
        v.put("i8", "-128");
        v.put("u8", "0");
        v.put("i16", "-32768");
        v.put("u16", "0");
        v.put("i24", "-8388608");
        v.put("u24", "0");
        v.put("i32", "-2147483648");
        v.put("u32", "0");
        v.put("i64", "-9223372036854775808");
        v.put("u64", "0");
        v.put("dec65", "-" + "9".repeat(35) + "." + "9".repeat(30));
        v.put("f", "-3.40282e38");
        v.put("d", "-1.7976931348623157E308");
        return v;
    }

    private static Map<String, String> highest() {
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("j", "'{\"name\": \"ñandú 😀\", \"tab\": \"a\\\\tb\", \"nested\": {\"a\": [1, 2.5e3, 1e-7, true, null,"
                + " 18446744073709551615, {\"b\": \"\\\\u00e9\"}], \"c\": {\"d\": {\"e\": [[]]}}}}'");
        // Not an emoji: MySQL's information_schema writes a label's 4-byte characters as '?', and so does the
        // daemon (a SELECT shows the label as written), see the report of issue 25.
        v.put("e", "'ü€'");
        v.put("s", "'x,y,z'");
        v.put("b1", "b'1'");
        v.put("b8", "b'11111111'");
        v.put("b64", "x'ffffffffffffffff'");
        v.put("y", "2155");
        for (int fsp = 0; fsp <= 6; fsp++) {
            String fraction = fsp == 0 ? "" : "." + "9".repeat(fsp);
            v.put("t" + fsp, "'838:59:59'");
            v.put("dt" + fsp, "'9999-12-31 23:59:59" + fraction + "'");
            v.put("ts" + fsp, "'2038-01-19 03:14:07" + fraction + "'");
        }
        v.put("pt", "ST_GeomFromText('POINT(90 180)', 4326)");
        v.put("ls", "ST_GeomFromText('LINESTRING(-90 -180, 90 180)', 4326)");
        v.put("g", "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))')");
        v.put("ci", "'Ünïcödé 😀 𝄞'");
        v.put("cb", "'BIN 😀 𝄞 b'");
        v.put("ch", "'ab😀'");
        v.put("vb", "x'00ff00ff'");
        v.put("bl", "x'" + "00".repeat(8) + "ff".repeat(300) + "'");
        v.put("inv", "'seen'");
        v.put("i8", "127");
        v.put("u8", "255");
        v.put("i16", "32767");
        v.put("u16", "65535");
        v.put("i24", "8388607");
        v.put("u24", "16777215");
        v.put("i32", "2147483647");
        v.put("u32", "4294967295");
        v.put("i64", "9223372036854775807");
        v.put("u64", "18446744073709551615");
        v.put("dec65", "9".repeat(35) + "." + "9".repeat(30));
        v.put("f", "3.40282e38");
        v.put("d", "1.7976931348623157E308");
        return v;
    }

    /** Fractions at every precision, negative TIMEs under a second, scalars as JSON documents. */
    private static Map<String, String> ordinary() {
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("j", "'\"just a string\"'");
        v.put("e", "'b'");
        v.put("s", "'z,x'");
        v.put("b1", "b'1'");
        v.put("b8", "b'10000001'");
        v.put("b64", "x'8000000000000001'");
        v.put("y", "2000");
        for (int fsp = 0; fsp <= 6; fsp++) {
            String fraction = fsp == 0 ? "" : "." + "123456".substring(0, fsp);
            v.put("t" + fsp, fsp == 0 ? "'-00:00:01'" : "'-00:00:00" + fraction + "'");
            v.put("dt" + fsp, "'2024-02-29 12:34:56" + fraction + "'");
            v.put("ts" + fsp, "'2024-02-29 12:34:56" + fraction + "'");
        }
        v.put("pt", "ST_GeomFromText('POINT(52.5 13.4)', 4326)");
        v.put("ci", "'Straße'");
        v.put("cb", "'straße'");
        v.put("ch", "'x'");
        v.put("vb", "x'00'");
        v.put("bl", "x'0a0b'");
        v.put("i8", "0");
        v.put("u64", "9223372036854775808");
        v.put("dec65", "0.000000000000000000000000000001");
        v.put("f", "0.1");
        v.put("d", "0.1");
        return v;
    }

    /** A document of about 1.2 MB: an array of small objects with non-ASCII text. */
    private static String largeJson() {
        StringJoiner items = new StringJoiner(", ", "{\"items\": [", "]}");
        for (int i = 0; i < 20_000; i++) {
            items.add("{\"i\": " + i + ", \"s\": \"item " + i + " ü 😀 " + "x".repeat(30) + "\"}");
        }
        return items.toString();
    }
}
