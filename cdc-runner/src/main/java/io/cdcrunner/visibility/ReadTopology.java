package io.cdcrunner.visibility;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.ReplicationStatements;

/**
 * What decides how to wait for the processor's read server, learned once at start-up.
 *
 * @param flavor               the source's flavor (the read server is of the same family)
 * @param address              {@code host:port} of the read server, for logs
 * @param readServerId         the read server's {@code @@server_id}
 * @param sourceServerId       the binlog source's {@code @@server_id}
 * @param replicaStatusRow     whether {@code SHOW REPLICA STATUS} ({@code SHOW SLAVE STATUS} before MySQL 8.0.22 and on
 *                             MariaDB) gave a row; false
 *                             also when the user may not run it
 * @param gtidsOn              MariaDB: always; MySQL: {@code gtid_mode=ON} on the read server
 * @param commitsInBinlogOrder MySQL {@code binlog_order_commits} (MariaDB always orders commits)
 * @param commitsInSourceOrder false for a MySQL replica with several appliers and
 *                             {@code replica_preserve_commit_order=OFF}
 */
public record ReadTopology(ServerFlavor flavor, String address, long readServerId, long sourceServerId,
                           boolean replicaStatusRow, boolean gtidsOn, boolean commitsInBinlogOrder,
                           boolean commitsInSourceOrder) {

    /** A replica: it says so, or it is not the server the binlog is read from. */
    public boolean isReplica() {
        return replicaStatusRow || readServerId != sourceServerId;
    }

    /** {@code replica 10.0.0.7:3306} or {@code primary 10.0.0.5:3306}. */
    public String describe() {
        return (isReplica() ? "replica " : "primary ") + address;
    }

    /** Asks the read server; {@code sourceServerId} comes from the binlog source. */
    public static ReadTopology probe(Connection read, ServerFlavor flavor, long sourceServerId, String address)
            throws SQLException {
        try (Statement s = read.createStatement()) {
            long serverId = longOf(s, "SELECT @@server_id", 0);
            boolean statusRow = hasRow(s, ReplicationStatements.replicaStatus(flavor,
                    stringOf(s, "SELECT VERSION()", "")));
            if (flavor == ServerFlavor.MARIADB) {
                return new ReadTopology(flavor, address, serverId, sourceServerId, statusRow, true, true, true);
            }
            boolean gtids = "ON".equalsIgnoreCase(stringOf(s, "SELECT @@gtid_mode", "OFF"));
            boolean ordered = longOf(s, "SELECT @@binlog_order_commits", 1) != 0;
            long workers = Math.max(longOf(s, "SELECT @@replica_parallel_workers", -1),
                    longOf(s, "SELECT @@slave_parallel_workers", 0));
            long preserve = Math.max(longOf(s, "SELECT @@replica_preserve_commit_order", -1),
                    longOf(s, "SELECT @@slave_preserve_commit_order", 1));
            return new ReadTopology(flavor, address, serverId, sourceServerId, statusRow, gtids, ordered,
                    workers <= 1 || preserve != 0);
        }
    }

    private static boolean hasRow(Statement s, String sql) {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        } catch (SQLException e) {
            // No REPLICATION CLIENT / SLAVE MONITOR privilege.
            return false;
        }
    }

    private static long longOf(Statement s, String sql, long fallback) {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : fallback;
        } catch (SQLException e) {
            // A variable this server version does not have.
            return fallback;
        }
    }

    private static String stringOf(Statement s, String sql, String fallback) {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getString(1) != null ? rs.getString(1) : fallback;
        } catch (SQLException e) {
            return fallback;
        }
    }
}
