package io.cdcrunner.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;

import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.ServerInfo;

/**
 * Which accounts may switch their own session to statement-format binlog ({@code SET SESSION binlog_format}):
 * their writes to a captured table reach the binlog without row images, and the daemon stops before them rather than
 * lose them. On MySQL the same accounts may leave columns out of row images for their session (MINIMAL, NOBLOB,
 * PARTIAL_JSON), which stops the daemon the same way. Reported, not failed: administrators need the privilege, application accounts should not have it.
 */
final class SessionFormatCheck {

    static final String NAME = "session binlog_format";

    private SessionFormatCheck() {
    }

    static CheckResult run(Connection c, ServerInfo info) throws SQLException {
        // MariaDB 10.5+: SUPER or BINLOG ADMIN; MySQL 8: SUPER, SYSTEM_VARIABLES_ADMIN or SESSION_VARIABLES_ADMIN.
        String privileges = info.flavor() == ServerFlavor.MARIADB ? "'SUPER', 'BINLOG ADMIN'"
                : "'SUPER', 'SYSTEM_VARIABLES_ADMIN', 'SESSION_VARIABLES_ADMIN'";
        Set<String> accounts = new LinkedHashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT grantee FROM"
                + " information_schema.user_privileges WHERE privilege_type IN (" + privileges + ") ORDER BY grantee")) {
            while (rs.next()) {
                accounts.add(rs.getString(1));
            }
        }
        if (accounts.isEmpty()) {
            return CheckResult.ok(NAME, "no account this user can see may change it (accounts are visible with"
                    + " SELECT on the mysql database)");
        }
        // MySQL restricts binlog_row_image and binlog_row_value_options to the same privileges.
        String settings = info.flavor() == ServerFlavor.MARIADB ? "may be set to STATEMENT"
                : "may be set to STATEMENT (and binlog_row_image to MINIMAL, binlog_row_value_options to PARTIAL_JSON)";
        return CheckResult.ok(NAME, settings + " for a session by " + String.join(", ", accounts)
                + " (" + privileges.replace("'", "") + "): such a session's writes to a captured table stop the daemon"
                + " before them; keep these privileges to administrators");
    }
}
