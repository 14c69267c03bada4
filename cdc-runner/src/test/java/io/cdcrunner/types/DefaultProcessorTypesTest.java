package io.cdcrunner.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.binlog.AllTypesTable;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerKeys;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.builtin.ChangeEventJson;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testdb.SharedDatabase;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * The tables that walk every column type ({@link AllTypesTable}; {@link ServerTypesTest}'s table of every type
 * and alias, spatial types included; MariaDB's UUID, INET4 and INET6), streamed through the running daemon with
 * its default processor, {@code LoggingProcessor}: every row must be processed at its first attempt and logged
 * as the JSON of its expected values.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class DefaultProcessorTypesTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DB = ServerTypesTest.DB;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final SharedDatabase SERVER = new SharedDatabase();
    private static LocalTestDatabase db;

    @Parameter
    Flavor flavor;

    @TempDir
    Path temp;

    /** MariaDB's own types (UUID, INET4, INET6) in a table of their own; MySQL has none of them. */
    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = SERVER.start(flavor);
        db.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4", ServerTypesTest.table(flavor),
                AllTypesTable.create(DB));
        if (flavor == Flavor.MARIADB) {
            db.execute("CREATE TABLE " + DB + ".mariadb_only (id INT PRIMARY KEY, u UUID, ip4 INET4, ip6 INET6)");
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVER.close();
    }

    @Test
    void everyColumnTypeIsLoggedByTheDefaultProcessorAsItsExactValueWithoutAFailedAttempt() throws Exception {
        Path log = temp.resolve("events.jsonl");
        String defaultProcessor = RunnerKeys.PROCESSOR_CLASS.defaultValue();
        assertThat(defaultProcessor).isEqualTo("io.cdcrunner.processor.builtin.LoggingProcessor");
        boolean mariaDb = flavor == Flavor.MARIADB;
        int rows = ServerTypesTest.ROWS.size() + AllTypesTable.expectedRows(flavor).size() + (mariaDb ? 3 : 0);
        try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("state")),
                Map.of("pipeline.name", "logged", "source.tables", DB + ".aliases," + DB + ".all_types"
                                + (mariaDb ? "," + DB + ".mariadb_only" : ""),
                        "processor.class", defaultProcessor, "processor.log.output", log.toString())))) {
            pipeline.start();
            await().atMost(WAIT).until(() -> pipeline.state() == PipelineState.STREAMING || pipeline.state().isFinal());
            for (String row : ServerTypesTest.ROWS) {
                db.execute("SET time_zone = '+05:30'",
                        "INSERT INTO " + DB + ".aliases (" + ServerTypesTest.COLUMNS + ") VALUES " + row);
            }
            db.execute(AllTypesTable.inserts(DB));
            if (mariaDb) {
                db.execute("INSERT INTO " + DB + ".mariadb_only VALUES (1, '123e4567-e89b-12d3-a456-426655440000',"
                        + " '192.0.2.1', '2001:db8::1'), (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '0.0.0.0',"
                        + " '::ffff:192.0.2.1'), (3, NULL, NULL, NULL)");
            }

            await().atMost(WAIT).until(() -> pipeline.counters().finishedCount() >= rows || pipeline.state().isFinal());

            assertThat(pipeline.state()).as("failure: %s", pipeline.failure()).isEqualTo(PipelineState.STREAMING);
            assertThat(pipeline.counters().delivery().failedAttempts()).as("failed attempts (%s)",
                    pipeline.counters().delivery()).isZero();
            assertThat(pipeline.counters().delivery().retried()).isZero();
            assertThat(pipeline.counters().delivery().deadLettered()).isZero();
            assertThat(pipeline.counters().processedCount()).isEqualTo(rows);
        }
        Map<String, JsonNode> logged = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.get("op").textValue()).isEqualTo("INSERT");
            String id = event.get("table").textValue() + ":" + event.get("key").get("id").asText();
            assertThat(logged.put(id, event.get("after"))).as("%s logged twice", id).isNull();
        }
        assertThat(logged).hasSize(rows);

        List<Map<String, Object>> allTypes = AllTypesTable.expectedRows(flavor);
        for (Map<String, Object> expected : allTypes) {
            assertLogged(logged, "all_types", expected);
        }
        try (Connection c = db.rootConnection()) {
            for (String table : mariaDb ? List.of("aliases", "mariadb_only") : List.of("aliases")) {
                List<JdbcExpectation.Column> columns = JdbcExpectation.columns(c, DB, table);
                for (String id : ids(logged, table)) {
                    assertLogged(logged, table, JdbcExpectation.expected(c, DB, table, columns, "id = " + id));
                }
            }
        }

        // What a reader relies on, spelled out rather than derived from the writer.
        JsonNode high = logged.get("aliases:18446744073709551615");
        assertThat(high.get("id").toString()).isEqualTo("18446744073709551615");
        assertThat(high.get("c_bigint_u").toString()).isEqualTo("18446744073709551615");
        assertThat(high.get("c_decimal65").textValue()).isEqualTo("9".repeat(65));
        assertThat(high.get("c_bit64").textValue()).isEqualTo("1".repeat(64));
        assertThat(high.get("c_set").toString()).isEqualTo("[\"x\",\"y\",\"z\"]");
        JsonNode ordinary = logged.get("aliases:42");
        assertThat(ordinary.get("c_dec").textValue()).isEqualTo("12.30");
        assertThat(ordinary.get("c_geometry").toString())
                .isEqualTo("{\"srid\":0,\"wkb\":\"0101000000000000000000f03f0000000000000040\"}");
        // POINT(13.4 52.5) with SRID 4326: MySQL reads it latitude first and delivers it longitude first.
        assertThat(ordinary.get("c_point").toString()).isEqualTo(flavor == Flavor.MYSQL
                ? "{\"srid\":4326,\"wkb\":\"01010000000000000000404a40cdcccccccccc2a40\"}"
                : "{\"srid\":4326,\"wkb\":\"0101000000cdcccccccccc2a400000000000404a40\"}");
        JsonNode maximum = logged.get("all_types:2");
        assertThat(maximum.get("c_time").textValue()).isEqualTo("PT838H59M59S");
        assertThat(maximum.get("c_datetime").textValue()).isEqualTo("9999-12-31T23:59:59.999999");
        assertThat(maximum.get("c_timestamp").textValue()).isEqualTo("2038-01-19T03:14:07.999999Z");
        assertThat(maximum.get("c_year").textValue()).isEqualTo("2155");
        assertThat(maximum.get("c_bit1").booleanValue()).isTrue();
        assertThat(maximum.get("c_json").textValue()).isEqualTo(AllTypesTable.maximumJson(flavor));
        assertThat(Base64.getDecoder().decode(maximum.get("c_blob").textValue()))
                .isEqualTo(allTypes.get(1).get("c_blob"));
        JsonNode minimum = logged.get("all_types:1");
        assertThat(minimum.get("c_float").floatValue()).isEqualTo(-Float.MAX_VALUE);
        assertThat(minimum.get("c_double").doubleValue()).isEqualTo(-Double.MAX_VALUE);
        assertThat(minimum.get("c_varbinary").textValue()).isEmpty();
        if (mariaDb) {
            assertThat(logged.get("mariadb_only:2").toString()).isEqualTo("{\"id\":2,"
                    + "\"u\":\"ffffffff-ffff-ffff-ffff-ffffffffffff\",\"ip4\":\"0.0.0.0\",\"ip6\":\"::ffff:192.0.2.1\"}");
        }
    }

    /** The logged row {@code table:id} is, column for column in table order, the JSON of {@code expected}. */
    private static void assertLogged(Map<String, JsonNode> logged, String table, Map<String, Object> expected)
            throws Exception {
        String id = table + ":" + expected.get("id");
        JsonNode row = logged.get(id);
        assertThat(row).as("%s logged", id).isNotNull();
        JsonNode want = JSON.readTree(ChangeEventJson.toJson(ChangeEventBuilder.insert().table(DB, table)
                .after(Row.of(expected)).build()))
                .get("after");
        assertThat(fieldNames(row)).as(id).containsExactlyElementsOf(fieldNames(want));
        for (String column : fieldNames(want)) {
            assertThat(row.get(column)).as("%s.%s", id, column).isEqualTo(want.get(column));
        }
    }

    private static List<String> ids(Map<String, JsonNode> logged, String table) {
        return logged.keySet().stream().filter(k -> k.startsWith(table + ":")).map(k -> k.substring(table.length() + 1))
                .toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
