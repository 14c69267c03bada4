package io.cdcrunner.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.cdcrunner.config.StateSettings;

/**
 * The tables of {@code state.jdbc.database} and their definitions: the offsets (one row per pipeline and label), the
 * schema history (one row per record, in the order of a sequence the database assigns), the schema recoveries and the
 * lease rows of {@code ha.enabled}. Names are quoted, {@code `database`.table}.
 *
 * @param database   the database's name, unquoted
 * @param offsets    the offsets table
 * @param history    the schema history table
 * @param recoveries the schema recoveries table
 * @param leases     the lease table
 */
record StateTables(String database, String offsets, String history, String recoveries, String leases) {

    static StateTables of(StateSettings settings) {
        String quoted = "`" + settings.database() + "`";
        return new StateTables(settings.database(), quoted + ".offsets", quoted + ".schema_history",
                quoted + ".schema_recoveries", quoted + ".leases");
    }

    /** Creates the database and the tables if missing. */
    void create(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            s.execute("CREATE TABLE IF NOT EXISTS " + offsets + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "label VARCHAR(200) NOT NULL DEFAULT '', "
                    + "offsets MEDIUMTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "PRIMARY KEY (pipeline, label)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + history + " ("
                    + "seq BIGINT NOT NULL AUTO_INCREMENT, "
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "label VARCHAR(200) NOT NULL DEFAULT '', "
                    + "record LONGTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + "PRIMARY KEY (seq), KEY by_pipeline (pipeline, label, seq)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + recoveries + " ("
                    + "seq BIGINT NOT NULL AUTO_INCREMENT, "
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "binlog_file VARCHAR(255) NOT NULL, "
                    + "binlog_pos BIGINT NOT NULL, "
                    + "statement LONGTEXT NOT NULL, "
                    + "epoch BIGINT NOT NULL DEFAULT 0, "
                    + "PRIMARY KEY (seq), KEY by_pipeline (pipeline, seq)) DEFAULT CHARSET=utf8mb4");
            s.execute("CREATE TABLE IF NOT EXISTS " + leases + " ("
                    + "pipeline VARCHAR(100) NOT NULL, "
                    + "epoch BIGINT NOT NULL, "
                    + "holder VARCHAR(255) NULL, "
                    + "acquired_at TIMESTAMP(6) NULL, "
                    + "PRIMARY KEY (pipeline)) DEFAULT CHARSET=utf8mb4");
        }
    }
}
