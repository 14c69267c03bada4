package io.cdcrunner.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** Statements as SHOW BINLOG EVENTS lists them, read back as the engine saw them in the event. */
@UnitTest
class BinlogQueriesTest {

    private static final BinlogPoint AT = new BinlogPoint("binlog.000001", 400);

    @Test
    void theDefaultDatabaseIsTakenOffTheStatement() {
        BinlogQueries.Query query = BinlogQueries.query("binlog.000001", 400, AT, "use `sh``op`; ALTER TABLE t ADD c INT");
        assertThat(query.defaultDatabase()).isEqualTo("sh`op");
        assertThat(query.statement()).isEqualTo("ALTER TABLE t ADD c INT");
    }

    @Test
    void theXidMySqlShowsAfterADdlStatementIsNoPartOfIt() {
        // MySQL 8.0 lists an atomic DDL statement with its XID appended; the Query event (what the engine parses)
        // holds the statement alone. MariaDB lists the statement as it is.
        BinlogQueries.Query query = BinlogQueries.query("binlog.000001", 400, AT,
                "use `shop`; ALTER TABLE orders ADD COLUMN c INT, AUTOEXTEND_SIZE=4M /* xid=25 */");
        assertThat(query.statement()).isEqualTo("ALTER TABLE orders ADD COLUMN c INT, AUTOEXTEND_SIZE=4M");
        assertThat(BinlogQueries.query("binlog.000001", 400, AT, "DROP TABLE t /* xid=7 */ /* xid=8 */").statement())
                .isEqualTo("DROP TABLE t /* xid=7 */");
    }
}
