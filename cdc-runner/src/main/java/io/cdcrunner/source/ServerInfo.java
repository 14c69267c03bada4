package io.cdcrunner.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

import io.cdcrunner.processor.ServerFlavor;

/**
 * What the source server says about itself and its binary log: everything a binlog reader must know before
 * it starts, read with a handful of cheap queries.
 *
 * @param flavor         MariaDB or MySQL
 * @param version        {@code VERSION()}, e.g. {@code 10.11.6-MariaDB-0+deb12u1-log}
 * @param versionComment {@code @@version_comment}, e.g. {@code Debian 12}
 * @param serverId       the source's own {@code @@server_id}
 * @param logBin         whether the binary log is on ({@code @@log_bin})
 * @param binlogFormat   {@code @@binlog_format}: ROW, STATEMENT or MIXED
 * @param binlogRowImage {@code @@binlog_row_image}: FULL, MINIMAL or NOBLOB
 * @param gtidMode       MySQL: {@code @@gtid_mode} (OFF, OFF_PERMISSIVE, ON_PERMISSIVE, ON). MariaDB always
 *                       assigns GTIDs and has no such switch, so it is reported as {@code ON}
 * @param gtidStrictMode MariaDB {@code @@gtid_strict_mode}; always false on MySQL, which has no such variable
 * @param gtidSet        the GTID position when read: MariaDB {@code @@gtid_binlog_pos}, MySQL
 *                       {@code @@gtid_executed}; {@code null} when the binlog holds no GTIDs (yet)
 * @param position       the current end of the binlog, or {@code null} when {@code log_bin} is OFF or it was not
 *                       read (see {@link #readSettings})
 */
public record ServerInfo(
        ServerFlavor flavor,
        String version,
        String versionComment,
        long serverId,
        boolean logBin,
        String binlogFormat,
        String binlogRowImage,
        String gtidMode,
        boolean gtidStrictMode,
        String gtidSet,
        BinlogPosition position) {

    public ServerInfo {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Reads everything, including the current binlog position when the binlog is on.
     *
     * @throws SQLException when a query fails, e.g. the user lacks REPLICATION CLIENT (MariaDB 10.5+:
     *                      BINLOG MONITOR) needed to read the binlog position
     */
    public static ServerInfo read(Connection c) throws SQLException {
        ServerInfo settings = readSettings(c);
        return settings.logBin ? settings.withPosition(currentPosition(c, settings.flavor, settings.version)) : settings;
    }

    /** Reads the server's settings but not the binlog position, which needs a privilege the others do not. */
    public static ServerInfo readSettings(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            String version;
            String comment;
            long serverId;
            boolean logBin;
            String format;
            String rowImage;
            try (ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment, @@server_id, @@log_bin, "
                    + "@@binlog_format, @@binlog_row_image")) {
                rs.next();
                version = rs.getString(1);
                comment = rs.getString(2);
                serverId = rs.getLong(3);
                logBin = isOn(rs.getString(4));
                format = rs.getString(5);
                rowImage = rs.getString(6);
            }
            ServerFlavor flavor = FlavorDetector.flavorOf(version, comment);
            String gtidQuery = flavor == ServerFlavor.MARIADB
                    ? "SELECT 'ON', @@gtid_strict_mode, @@gtid_binlog_pos"
                    : "SELECT @@gtid_mode, 0, @@gtid_executed";
            try (ResultSet rs = s.executeQuery(gtidQuery)) {
                rs.next();
                return new ServerInfo(flavor, version, comment, serverId, logBin, format, rowImage,
                        rs.getString(1), isOn(rs.getString(2)), gtidOrNull(rs.getString(3)), null);
            }
        }
    }

    /**
     * The current end of the binary log. Detects the flavor first; use
     * {@link #currentPosition(Connection, ServerFlavor, String)} when it is known.
     *
     * @throws IllegalStateException when the binlog is off (the server reports no position)
     */
    public static BinlogPosition currentPosition(Connection c) throws SQLException {
        String version;
        String comment;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
            rs.next();
            version = rs.getString(1);
            comment = rs.getString(2);
        }
        return currentPosition(c, FlavorDetector.flavorOf(version, comment), version);
    }

    /**
     * The current end of the binary log: file and offset from the binlog status statement, and the GTID
     * position matching exactly that offset.
     *
     * @throws IllegalStateException when the binlog is off (the server reports no position)
     */
    public static BinlogPosition currentPosition(Connection c, ServerFlavor flavor, String version)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            if (flavor == ServerFlavor.MYSQL) {
                // MySQL's status row carries Executed_Gtid_Set, consistent with File/Position by construction.
                return binlogStatus(s, flavor, version);
            }
            // MariaDB's status row has no GTID. A GTID read that is unchanged across the status read belongs
            // to that offset, because the server writes a transaction and records its GTID under one lock.
            for (int attempt = 0; attempt < 3; attempt++) {
                String before = selectString(s, "SELECT @@gtid_binlog_pos");
                BinlogPosition status = binlogStatus(s, flavor, version);
                String after = selectString(s, "SELECT @@gtid_binlog_pos");
                if (Objects.equals(before, after)) {
                    return new BinlogPosition(status.file(), status.position(), gtidOrNull(after));
                }
            }
            // A busy server kept moving: ask for the GTID position at exactly that offset. Costlier, as the
            // server reads the binlog file up to the offset.
            BinlogPosition status = binlogStatus(s, flavor, version);
            try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                ps.setString(1, status.file());
                ps.setLong(2, status.position());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new BinlogPosition(status.file(), status.position(), gtidOrNull(rs.getString(1)));
                }
            }
        }
    }

    /** Runs the binlog status statement this server's version understands. */
    private static BinlogPosition binlogStatus(Statement s, ServerFlavor flavor, String version) throws SQLException {
        return binlogStatus(s, ReplicationStatements.binlogStatus(flavor, version));
    }

    private static BinlogPosition binlogStatus(Statement s, String statement) throws SQLException {
        try (ResultSet rs = s.executeQuery(statement)) {
            if (!rs.next()) {
                throw new IllegalStateException("the source reports no binlog position: log_bin is OFF. Start the "
                        + "server with log-bin (my.cnf: [mysqld] log_bin=binlog) and restart it");
            }
            String gtid = rs.getMetaData().getColumnCount() >= 5 ? rs.getString(5) : null;
            return new BinlogPosition(rs.getString(1), rs.getLong(2), gtidOrNull(gtid));
        }
    }

    private static String selectString(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A copy with {@code position} set. */
    public ServerInfo withPosition(BinlogPosition newPosition) {
        return new ServerInfo(flavor, version, versionComment, serverId, logBin, binlogFormat, binlogRowImage,
                gtidMode, gtidStrictMode, newPosition == null ? gtidSet : newPosition.gtidSet(), newPosition);
    }

    /** True when the server writes GTIDs into the binlog: always on MariaDB, {@code gtid_mode=ON} on MySQL. */
    public boolean gtidsEnabled() {
        return "ON".equalsIgnoreCase(gtidMode);
    }

    static boolean isOn(String value) {
        return value != null && ("1".equals(value.trim()) || "ON".equalsIgnoreCase(value.trim()));
    }

    /** {@code null} for no GTIDs; MySQL separates the sets of several servers with ",\n", joined here. */
    static String gtidOrNull(String gtidSet) {
        return gtidSet == null || gtidSet.isBlank() ? null : gtidSet.replace("\n", "").trim();
    }

    /**
     * A point in the source's binary log.
     *
     * @param file     binlog file name, e.g. {@code binlog.000003}
     * @param position byte offset in {@code file}; the next event starts here
     * @param gtidSet  the GTID position at that offset (MariaDB {@code 0-1-42}, MySQL {@code uuid:1-42}), or
     *                 {@code null} when the server has written no GTIDs
     */
    public record BinlogPosition(String file, long position, String gtidSet) {

        public BinlogPosition {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String toString() {
            return file + ":" + position + (gtidSet == null ? "" : " gtid " + gtidSet);
        }
    }
}
