package io.cdcrunner.check;

import java.sql.Connection;
import java.util.List;

import io.cdcrunner.source.ServerInfo;

/**
 * The binlog settings the daemon cannot run without, as {@code check} judges them: {@code run} asks the same before
 * it records or starts anything, so it gives the same diagnosis (not a guess about the password).
 */
public final class SourceReadiness {

    private SourceReadiness() {
    }

    /** What is wrong with the server's binlog settings, each with its fix; empty when nothing is. */
    public static List<String> problems(Connection connection, ServerInfo info) {
        return BinlogSettingsCheck.run(connection, info).stream().filter(CheckResult::failed)
                .map(r -> r.name() + " is " + r.detail() + (r.fix() == null ? "" : ": " + r.fix())).toList();
    }
}
