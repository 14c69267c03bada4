package io.cdcrunner.config;

import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where and what to read: the {@code source.*} keys.
 *
 * @param host           {@code source.host}
 * @param port           {@code source.port}
 * @param user           {@code source.user}
 * @param password       {@code source.password}, or the content of {@code source.password.file}
 * @param flavor         {@code source.flavor}; empty for {@code auto}: detect it when connecting
 * @param serverId       {@code source.server.id}, the replica server id used on the binlog connection
 * @param tables         {@code source.tables}, {@code database.table} regexes; empty means all tables
 * @param databases      {@code source.databases} regexes; empty means all databases
 * @param operations     {@code source.operations}, never empty
 * @param start          {@code source.start}, honoured on the first start only
 * @param connectTimeout {@code source.connect.timeout.ms}
 * @param connectRetryMaxBackoff {@code source.connect.retry.max.backoff.ms}
 * @param recovery       {@code source.recovery}: what to do when the recorded position was purged
 * @param downUnhealthyAfter {@code source.down.unhealthy.after.ms}: how long the binlog connection may be down
 *                       before the pipeline counts as unhealthy
 * @param tls            {@code source.ssl.*}
 * @param pick           {@code source.host.pick}: which of several servers to read
 * @param moveAfter      {@code source.host.move.after.ms}: with several servers, how long the binlog connection may
 *                       stay lost before the daemon looks for another one
 * @param servers        the servers {@code host} lists and which one is read now; {@link #host()} and {@link #port()}
 *                       are that one's
 */
public record SourceSettings(String host, int port, String user, Secret password, Optional<ServerFlavor> flavor,
                             long serverId, List<String> tables, List<String> databases,
                             Set<Operation> operations, StartFrom start, Duration connectTimeout,
                             Duration connectRetryMaxBackoff, Recovery recovery, Duration downUnhealthyAfter,
                             SourceTls tls, Pick pick, Duration moveAfter,
                             SourceServers servers) {

    /** {@code source.host.pick}: which server of a list the daemon reads. */
    public enum Pick {
        /** The one that accepts writes ({@code read_only=OFF}): the primary, wherever it is. */
        WRITABLE,
        /** The first one listed that answers, whether primary or replica. */
        FIRST_REACHABLE
    }

    /** A source whose {@code host} is read as is: one server, or a list read with {@code pick}. */
    public SourceSettings(String host, int port, String user, Secret password, Optional<ServerFlavor> flavor,
                          long serverId, List<String> tables, List<String> databases,
                          Set<Operation> operations, StartFrom start, Duration connectTimeout,
                          Duration connectRetryMaxBackoff, Recovery recovery, Duration downUnhealthyAfter,
                          SourceTls tls) {
        this(host, port, user, password, flavor, serverId, tables, databases, operations, start, connectTimeout,
                connectRetryMaxBackoff, recovery, downUnhealthyAfter, tls, Pick.WRITABLE, Duration.ofSeconds(10), null);
    }

    /** The host of the server read now (with a single server, {@code source.host} itself). */
    @Override
    public String host() {
        return servers.current().server().host();
    }

    /** The port of the server read now. */
    @Override
    public int port() {
        return servers.current().server().port();
    }

    /** These settings reading {@code server} only, whichever is current: for probing one server of the list. */
    public SourceSettings on(SourceServers.Server server) {
        return new SourceSettings(host, port, user, password, flavor, serverId, tables, databases, operations, start,
                connectTimeout, connectRetryMaxBackoff, recovery, downUnhealthyAfter, tls, pick, moveAfter,
                SourceServers.of(server));
    }

    /** {@code source.host} as configured: one server or a comma-separated list. */
    public String configuredHosts() {
        return host;
    }

    /** {@code source.flavor}: the server family, or detect it when connecting. */
    public enum FlavorChoice {
        AUTO, MYSQL, MARIADB;

        /** The flavor named, or empty for {@code auto}. */
        public Optional<ServerFlavor> flavor() {
            return this == AUTO ? Optional.empty() : Optional.of(ServerFlavor.valueOf(name()));
        }
    }

    /** What to do when the recorded binlog position is no longer on the server. */
    /** {@code source.type}: how the changes arrive. */
    public enum SourceType {
        /** The embedded engine reads the binlog. */
        BINLOG,
        /** A Kafka Connect connector writes them to Kafka topics, which the daemon consumes. */
        KAFKA
    }

    public enum Recovery {
        /** Stop, naming the missing position and the options. */
        FAIL,
        /** Re-read the included tables (delivered as inserts), then stream. */
        SNAPSHOT
    }

    /**
     * A source known only by its address and login, TLS {@code preferred}, everything else at its default: for
     * connecting and nothing more (probes, {@code check} in tests).
     */
    public static SourceSettings login(String host, int port, String user, Secret password, Duration connectTimeout) {
        return new SourceSettings(host, port, user, password, Optional.empty(), 1, List.of(), List.of(),
                EnumSet.of(Operation.INSERT), StartFrom.BINLOG_END, connectTimeout, Duration.ofSeconds(30), Recovery.FAIL,
                Duration.ofSeconds(30), new SourceTls(SourceTls.Mode.PREFERRED, Optional.empty(), new Secret(""),
                        Optional.empty(), new Secret("")));
    }

    /** {@code host:port}, bracketed for an IPv6 literal, for URLs and messages. */
    public String address() {
        return servers.current().server().address();
    }

    /**
     * The JDBC URL of the source server for {@code database} ("" for none), {@code source.ssl.*} included, without any
     * password: those go as driver properties ({@link #tlsDriverSecrets}), so a logged URL holds none.
     */
    public String jdbcUrl(String database) {
        StringBuilder url = new StringBuilder("jdbc:mysql://").append(address()).append('/').append(database)
                .append("?sslMode=").append(tls.mode().name())
                .append("&allowPublicKeyRetrieval=true&connectTimeout=").append(Math.max(1, connectTimeout.toMillis()))
                .append("&rewriteBatchedStatements=true");
        // The trust store only where the certificate is checked: the binlog reader checks against any trust store it
        // is given, so giving one to required or preferred would check one connection and not the others.
        if (tls.mode().verifiesCertificate()) {
            tls.trustStore().ifPresent(path -> url.append("&trustCertificateKeyStoreUrl=").append(fileUrl(path)));
        }
        if (tls.mode() != SourceTls.Mode.DISABLED) {
            tls.keyStore().ifPresent(path -> url.append("&clientCertificateKeyStoreUrl=").append(fileUrl(path)));
        }
        return url.toString();
    }

    /** The driver properties {@link #jdbcUrl} needs: the passwords of the key stores it names. */
    public Map<String, Secret> tlsDriverSecrets() {
        Map<String, Secret> secrets = new TreeMap<>();
        if (tls.mode() != SourceTls.Mode.DISABLED) {
            if (tls.mode().verifiesCertificate() && tls.trustStore().isPresent()) {
                secrets.put("trustCertificateKeyStorePassword", tls.trustStorePassword());
            }
            if (tls.keyStore().isPresent()) {
                secrets.put("clientCertificateKeyStorePassword", tls.keyStorePassword());
            }
        }
        return secrets;
    }

    /** The source server as a pool's target: its own URL, {@code user} and TLS driver properties. */
    public JdbcTarget jdbcTarget(String user, Secret password) {
        return new JdbcTarget(jdbcUrl(""), user, password, tlsDriverSecrets(), this);
    }

    private static String fileUrl(Path path) {
        return path.toAbsolutePath().toUri().toString();
    }

    public SourceSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(connectRetryMaxBackoff, "connectRetryMaxBackoff");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(downUnhealthyAfter, "downUnhealthyAfter");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(pick, "pick");
        Objects.requireNonNull(moveAfter, "moveAfter");
        if (servers == null) {
            servers = SourceServers.parse(host, port);
        }
        tables = List.copyOf(tables);
        databases = List.copyOf(databases);
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("at least one operation is needed");
        }
        // An EnumSet copy keeps the natural order (INSERT, UPDATE, DELETE) for logs and equality.
        operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
    }
}
