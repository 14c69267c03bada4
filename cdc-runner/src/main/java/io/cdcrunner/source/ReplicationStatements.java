package io.cdcrunner.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cdcrunner.processor.ServerFlavor;

/**
 * The spelling of each replication status statement a server of a flavor and version understands. MySQL 8.0.22
 * added {@code SHOW REPLICA STATUS} and {@code SHOW REPLICAS}, 8.2 {@code SHOW BINARY LOG STATUS}, and 8.4 removed
 * the old spellings ({@code SHOW MASTER STATUS}, {@code SHOW SLAVE STATUS}, {@code SHOW SLAVE HOSTS}); MariaDB keeps
 * the old ones in every version.
 */
public final class ReplicationStatements {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private ReplicationStatements() {
    }

    /** The binlog file, offset (and on MySQL the executed GTID set) the server writes next. */
    public static String binlogStatus(ServerFlavor flavor, String version) {
        return isMySqlAtLeast(flavor, version, 8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /** The server's own replication, one row when it is a replica. */
    public static String replicaStatus(ServerFlavor flavor, String version) {
        return isMySqlAtLeast(flavor, version, 8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }

    /** The replicas registered with the server, with Server_id, Host and Port columns. */
    public static String replicas(ServerFlavor flavor, String version) {
        return isMySqlAtLeast(flavor, version, 8, 0, 22) ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";
    }

    /** An unparsable version counts as old: the old spellings are the ones every server before 8.4 knows. */
    static boolean isMySqlAtLeast(ServerFlavor flavor, String version, int major, int minor, int patch) {
        Matcher m = VERSION.matcher(version == null ? "" : version.trim());
        if (flavor != ServerFlavor.MYSQL || !m.find()) {
            return false;
        }
        int[] actual = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
        int[] wanted = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (actual[i] != wanted[i]) {
                return actual[i] > wanted[i];
            }
        }
        return true;
    }
}
