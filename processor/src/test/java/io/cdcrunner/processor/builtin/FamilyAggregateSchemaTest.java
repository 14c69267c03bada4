package io.cdcrunner.processor.builtin;

import static io.cdcrunner.processor.builtin.FamilyTestDatabase.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.testkit.DatabaseTest;

/** {@link FamilyAggregateProcessor} with family columns of every supported type, and schema errors at open. */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class FamilyAggregateSchemaTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalServer server;

    @Parameter
    Flavor flavor;

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

    @Test
    void binaryCollationKeepsFamiliesThatDifferInCaseApart() throws Exception {
        List<String> summary = summarize("VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "abc", "ABC", "abc", "Zoë");

        assertThat(summary).containsExactlyInAnyOrder("ABC=1", "Zoë=1", "abc=2");
    }

    @Test
    void caseInsensitiveCollationMakesThemOneFamilyAsSqlDoes() throws Exception {
        List<String> summary = summarize("VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", "abc", "ABC", "Zoë");

        assertThat(summary).containsExactlyInAnyOrder("abc=2", "Zoë=1");
    }

    @Test
    void decimalFamilyKeysKeepTheColumnScale() throws Exception {
        List<String> summary = summarize("DECIMAL(8,2)", new BigDecimal("12.50"), new BigDecimal("-0.01"),
                new BigDecimal("12.50"));

        assertThat(summary).containsExactlyInAnyOrder("12.50=2", "-0.01=1");
    }

    @Test
    void dateAndUnsignedBigintFamiliesMatchTheRecomputation() throws Exception {
        assertThat(summarize("DATE", LocalDate.of(2026, 1, 2), LocalDate.of(1999, 12, 31)))
                .containsExactlyInAnyOrder("2026-01-02=1", "1999-12-31=1");
        assertThat(summarize("BIGINT UNSIGNED", new BigInteger("18446744073709551615"), BigInteger.ONE))
                .containsExactlyInAnyOrder("18446744073709551615=1", "1=1");
    }

    @Test
    void unqualifiedTableUsesTheDataSourceDatabaseAndSummaryMayLiveElsewhere() throws Exception {
        try (FamilyTestDatabase db = new FamilyTestDatabase(server, "plain" + DATABASES.incrementAndGet())) {
            server.execute("CREATE TABLE " + db.name + ".items (id INT PRIMARY KEY, grp INT, qty INT)",
                    "INSERT INTO " + db.name + ".items VALUES (1, 5, 10)",
                    "CREATE DATABASE stats_" + db.name);
            Map<String, String> config = Map.of("family.table", "items", "family.column", "grp",
                    "family.value.column", "qty", "family.summary.table", "stats_" + db.name + ".per_group");
            FamilyAggregateProcessor processor = new FamilyAggregateProcessor();
            processor.open(db.context(config));

            processor.process(db.insert("items", row("id", 1, "grp", 5, "qty", 10)));

            assertThat(rows(db, "SELECT family_key, row_count, value_sum FROM stats_" + db.name + ".per_group"))
                    .containsExactly("5|1|10.000000000000000000000000000000");
            assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings(config))).isEmpty();
        }
    }

    @Test
    void openNamesTheKeyToFixWhenTheSchemaDoesNotFit() throws Exception {
        try (FamilyTestDatabase db = new FamilyTestDatabase(server, "bad" + DATABASES.incrementAndGet())) {
            server.execute("CREATE TABLE " + db.name + ".t (id VARCHAR(10) PRIMARY KEY, seq INT, fam INT, "
                    + "at DATETIME, label VARCHAR(10), qty INT)");
            Map<String, String> valid = Map.of("family.table", db.name + ".t", "family.column", "fam",
                    "family.value.column", "qty", "family.id.column", "seq");

            assertThat(openError(db, valid, "family.table", db.name + ".missing"))
                    .contains("table " + db.name + ".missing does not exist");
            assertThat(openError(db, valid, "family.column", "famly"))
                    .contains("processor.family.column=famly: table " + db.name + ".t has no such column")
                    .contains("[at, fam, id, label, qty, seq]");
            assertThat(openError(db, valid, "family.value.column", "label"))
                    .contains("processor.family.value.column=label is a VARCHAR column; it must be a numeric column");
            assertThat(openError(db, valid, "family.column", "at"))
                    .contains("processor.family.column=at is a DATETIME column");
            assertThat(openError(db, valid, "family.id.column", "id"))
                    .contains("processor.family.id.column=id is a VARCHAR column; it must be an integer column");
            assertThat(openError(db, valid, "family.column", "fam")).isNull();
        }
    }

    /** Opens a processor with {@code config} plus {@code key=value}; returns the error message, or null. */
    private static String openError(FamilyTestDatabase db, Map<String, String> config, String key, String value) {
        Map<String, String> changed = new HashMap<>(config);
        changed.put(key, value);
        try {
            new FamilyAggregateProcessor().open(db.context(changed));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Creates {@code t(id, fam <type>, v)}, inserts one row per family value and processes its event, checks the
     * summary against the recomputation and returns it as {@code key=count} strings.
     */
    private static List<String> summarize(String familyType, Object... families) throws Exception {
        try (FamilyTestDatabase db = new FamilyTestDatabase(server, "keys" + DATABASES.incrementAndGet())) {
            server.execute("CREATE TABLE " + db.name + ".t (id INT PRIMARY KEY, fam " + familyType + ", v INT)");
            Map<String, String> config = Map.of("family.table", db.name + ".t", "family.column", "fam",
                    "family.value.column", "v");
            FamilyAggregateProcessor processor = new FamilyAggregateProcessor();
            processor.open(db.context(config));
            try (Connection c = db.connection();
                 var insert = c.prepareStatement("INSERT INTO t (id, fam, v) VALUES (?, ?, ?)")) {
                for (int i = 0; i < families.length; i++) {
                    insert.setInt(1, i + 1);
                    insert.setObject(2, families[i] instanceof BigInteger big ? new BigDecimal(big) : families[i]);
                    insert.setInt(3, 10 * (i + 1));
                    insert.executeUpdate();
                    processor.process(db.insert("t", row("id", i + 1, "fam", families[i], "v", 10 * (i + 1))));
                }
            }
            assertThat(FamilyAggregateProcessor.mismatches(db.dataSource, settings(config))).isEmpty();
            return rows(db, "SELECT CONCAT(family_key, '=', row_count) FROM t_family_summary");
        }
    }

    private static FamilySettings settings(Map<String, String> config) {
        return FamilySettings.from(new ProcessorConfig(config));
    }

    private static List<String> rows(FamilyTestDatabase db, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
