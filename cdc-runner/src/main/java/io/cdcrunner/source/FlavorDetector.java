package io.cdcrunner.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.processor.ServerFlavor;

/**
 * Tells MariaDB from MySQL.
 *
 * <p>The two families speak the same protocol but differ in GTID format, status statements and privilege
 * names, so everything that talks to the source asks this class first.
 */
public final class FlavorDetector {

    /** Connect timeout used when the caller has no opinion. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

    private FlavorDetector() {
    }

    /**
     * The flavor for a {@code VERSION()} string and {@code @@version_comment}: MariaDB when either names
     * MariaDB (some builds only say so in the comment, e.g. "mariadb.org binary distribution").
     */
    public static ServerFlavor flavorOf(String version, String versionComment) {
        return mentionsMariaDb(version) || mentionsMariaDb(versionComment) ? ServerFlavor.MARIADB : ServerFlavor.MYSQL;
    }

    /** Asks the server which family it belongs to. */
    public static ServerFlavor detect(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
            rs.next();
            return flavorOf(rs.getString(1), rs.getString(2));
        }
    }

    /**
     * The source's flavor: {@code source.flavor} when set, else what {@code detection} finds (asked only then). The
     * one place where a configured flavor wins over a detected one.
     */
    public static <E extends Exception> ServerFlavor resolve(SourceSettings source, Detection<E> detection) throws E {
        Optional<ServerFlavor> configured = source.flavor();
        return configured.isPresent() ? configured.get() : detection.detect();
    }

    /** {@link #resolve(SourceSettings, Detection)}, asking the source over a new connection when it must. */
    public static ServerFlavor resolve(SourceSettings source) throws SQLException {
        return resolve(source, () -> {
            try (Connection connection = SourceAccess.of(source).connect()) {
                return detect(connection);
            }
        });
    }

    /** How the flavor is found when {@code source.flavor} is {@code auto}. */
    @FunctionalInterface
    public interface Detection<E extends Exception> {
        ServerFlavor detect() throws E;
    }

    /** {@code {major, minor}} of a version string such as {@code 10.11.6-MariaDB-log}; {@code {0, 0}} if unparsable. */
    public static int[] majorMinor(String version) {
        Matcher m = MAJOR_MINOR.matcher(version == null ? "" : version.trim());
        if (!m.find()) {
            return new int[] {0, 0};
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static boolean mentionsMariaDb(String text) {
        return text != null && text.toLowerCase(Locale.ROOT).contains("mariadb");
    }
}
