package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cdcrunner.source.ReplicationStatements;
import io.cdcrunner.source.ServerInfo;

/**
 * The replica server id cdc-runner will present is free. The source drops an older binlog connection when
 * another one arrives with the same id, so a clash makes two readers kick each other out in turn.
 */
final class ServerIdCheck {

    static final String NAME = "replica server id";
    private static final long MAX_SERVER_ID = 4_294_967_295L;
    private static final String FIX = "set source.server.id to an unused value";

    private ServerIdCheck() {
    }

    static CheckResult run(Connection c, ServerInfo info, long replicaServerId) throws SQLException {
        if (replicaServerId < 1 || replicaServerId > MAX_SERVER_ID) {
            return CheckResult.fail(NAME, replicaServerId + " is out of range",
                    FIX + " between 1 and " + MAX_SERVER_ID);
        }
        if (replicaServerId == info.serverId()) {
            return CheckResult.fail(NAME, replicaServerId + " is the source's own server_id",
                    FIX + " (not " + info.serverId() + ", the source's server_id, nor any replica's)");
        }
        List<Replica> replicas = null;
        try {
            replicas = replicas(c, ReplicationStatements.replicas(info.flavor(), info.version()));
        } catch (SQLException e) {
            // Listing replicas needs REPLICATION MASTER ADMIN on MariaDB 10.5+, which a CDC user need not have.
        }
        for (Replica r : replicas == null ? List.<Replica>of() : replicas) {
            if (r.serverId() == replicaServerId) {
                return CheckResult.fail(NAME, replicaServerId + " is used by the replica at " + r.host() + ":" + r.port(),
                        FIX + " (in use: " + info.serverId() + " by the source, "
                                + replicas.stream().map(x -> Long.toString(x.serverId())).toList() + " by replicas)");
            }
        }
        int registered = replicas == null ? 0 : replicas.size();
        String detail = replicaServerId + " differs from the source's server_id " + info.serverId()
                + (replicas == null ? " (this user may not list replicas)" : " and from " + registered
                        + " registered replicas");
        int unexplained = binlogDumpThreads(c) - registered;
        if (unexplained > 0) {
            return CheckResult.warn(NAME, detail + "; " + unexplained
                    + " binlog readers are connected whose server ids the source does not show",
                    "make sure none of them (another cdc-runner or Debezium, for instance) uses " + replicaServerId);
        }
        return CheckResult.ok(NAME, detail);
    }

    private record Replica(long serverId, String host, int port) {
    }

    private static List<Replica> replicas(Connection c, String statement) throws SQLException {
        List<Replica> replicas = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
            while (rs.next()) {
                replicas.add(new Replica(rs.getLong("Server_id"), rs.getString("Host"), rs.getInt("Port")));
            }
        }
        return replicas;
    }

    /** Binlog dump threads visible to this user (all of them with the PROCESS privilege, else only its own). */
    private static int binlogDumpThreads(Connection c) throws SQLException {
        int count = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW PROCESSLIST")) {
            while (rs.next()) {
                String command = rs.getString("Command");
                if (command != null && command.startsWith("Binlog Dump")) {
                    count++;
                }
            }
        }
        return count;
    }
}
