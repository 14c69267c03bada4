package io.cdcrunner.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Types;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;
import io.debezium.text.ParsingException;

import io.cdcrunner.testkit.UnitTest;

/** The engine's parser, taught INET4 and INET6: what it reads, and that nothing it read before changes. */
@UnitTest
class MariaDbDdlParserTest {

    private final DdlParser parser = MariaDbDdlParser.standalone();
    private Tables tables;

    @BeforeEach
    void setUp() {
        tables = new Tables();
        parser.setCurrentSchema("db");
    }

    private Table table(String name) {
        return tables.forTable(new TableId("db", null, name));
    }

    private static void assertInet(Column column, String type, int length, boolean optional) {
        assertThat(column.typeName()).as(column.name()).isEqualTo(type);
        assertThat(column.jdbcType()).as(column.name()).isEqualTo(Types.BINARY);
        assertThat(column.length()).as(column.name()).isEqualTo(length);
        assertThat(column.isOptional()).as(column.name()).isEqualTo(optional);
    }

    @Test
    void createTableWithInetColumnsKeepsTheirTypeNames() {
        parser.parse("CREATE TABLE db.hosts (id INT PRIMARY KEY, ip4 inet4 NOT NULL DEFAULT '0.0.0.0',"
                + " `ip 6` INET6 COMMENT 'an INET6 address', inet6 INT, b BINARY(16))", tables);
        Table hosts = table("hosts");
        assertThat(hosts.retrieveColumnNames()).containsExactly("id", "ip4", "ip 6", "inet6", "b");
        assertInet(hosts.columnWithName("ip4"), "INET4", 4, false);
        assertInet(hosts.columnWithName("ip 6"), "INET6", 16, true);
        assertThat(hosts.columnWithName("ip 6").comment()).isEqualTo("an INET6 address");
        assertThat(hosts.columnWithName("inet6").typeName()).isEqualTo("INT");
        assertThat(hosts.columnWithName("b").typeName()).isEqualTo("BINARY");
    }

    @Test
    void alterTableAddModifyAndChangeToInetColumns() {
        parser.parse("CREATE TABLE db.t (id INT PRIMARY KEY, a VARCHAR(39), b BINARY(16))", tables);
        parser.parse("ALTER TABLE db.t ADD COLUMN c INET6 AFTER id, MODIFY a INET4, CHANGE b b2 INET6 NOT NULL", tables);
        Table t = table("t");
        assertThat(t.retrieveColumnNames()).containsExactly("id", "c", "a", "b2");
        assertInet(t.columnWithName("c"), "INET6", 16, true);
        assertInet(t.columnWithName("a"), "INET4", 4, true);
        assertInet(t.columnWithName("b2"), "INET6", 16, false);

        // A later statement the stock parser reads keeps them.
        parser.parse("ALTER TABLE db.t ADD COLUMN d INT", tables);
        assertInet(table("t").columnWithName("c"), "INET6", 16, true);
        parser.parse("CREATE TABLE db.t_copy LIKE db.t", tables);
        assertInet(table("t_copy").columnWithName("b2"), "INET6", 16, false);
    }

    @Test
    void theServersOwnShowCreateTableOutputIsRead() {
        parser.parse("CREATE TABLE `inet6` (\n  `id` int(11) NOT NULL,\n  `ip` inet6 DEFAULT NULL,\n"
                + "  `ip4` inet4 NOT NULL DEFAULT '127.0.0.1',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB", tables);
        assertInet(table("inet6").columnWithName("ip"), "INET6", 16, true);
        assertInet(table("inet6").columnWithName("ip4"), "INET4", 4, false);
    }

    @Test
    void statementsTheStockParserReadsAreReadTheSame() {
        String ddl = "CREATE TABLE db.names (inet6 INT, inet4 VARCHAR(10) DEFAULT 'INET6', KEY (inet6))";
        parser.parse(ddl, tables);
        Tables stock = new Tables();
        MariaDbAntlrDdlParser original = new MariaDbAntlrDdlParser();
        original.setCurrentSchema("db");
        original.parse(ddl, stock);
        assertThat(tables).isEqualTo(stock);
    }

    @Test
    void aStatementThatStillCannotBeReadFailsAsBeforeAndChangesNothing() {
        parser.parse("CREATE TABLE db.t (id INT PRIMARY KEY, a INT)", tables);
        Table before = table("t");
        // inet6 as the new name of a column, beside an INET6 column: the stand-in would replace both.
        assertThatThrownBy(() -> parser.parse("ALTER TABLE db.t CHANGE a inet6 INT, ADD b INET6", tables))
                .isInstanceOf(ParsingException.class).hasMessageContaining("INET6");
        assertThat(table("t")).isSameAs(before);
        assertThatThrownBy(() -> parser.parse("ALTER TABLE db.t ADD PERIOD FOR p(s, e)", tables))
                .isInstanceOf(ParsingException.class);
    }

    @Test
    void compressedColumnsAreRefusedInTheServersCommentFormAndOpenly() {
        String shown = "CREATE TABLE `c` (\n  `id` int(11) NOT NULL,\n  `v` varchar(100) /*M!100301 COMPRESSED*/ DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB";
        assertThatThrownBy(() -> parser.parse(shown, tables)).isInstanceOf(ParsingException.class)
                .hasMessageContaining("COMPRESSED").hasMessageContaining("leave the table out of the capture");
        assertThat(tables.size()).isZero();
        assertThatThrownBy(() -> parser.parse("CREATE TABLE db.c (id INT, b BLOB COMPRESSED=zlib)", tables))
                .hasMessageContaining("declared COMPRESSED");
        assertThatThrownBy(() -> parser.parse("ALTER TABLE db.c MODIFY v TEXT COMPRESSED NOT NULL", tables))
                .hasMessageContaining("declared COMPRESSED");
    }

    @Test
    void compressedAsANameOrARowFormatIsNoCompressedColumn() {
        parser.parse("CREATE TABLE db.c (id INT, compressed INT, note VARCHAR(10) COMMENT 'COMPRESSED')"
                + " ROW_FORMAT=COMPRESSED", tables);
        parser.parse("ALTER TABLE db.c ADD COLUMN `compressed2` INT, ROW_FORMAT = COMPRESSED", tables);
        assertThat(table("c").retrieveColumnNames()).containsExactly("id", "compressed", "note", "compressed2");
    }
}
