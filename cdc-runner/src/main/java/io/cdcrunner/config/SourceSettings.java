package io.cdcrunner.config;

import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 */
public record SourceSettings(String host, int port, String user, Secret password, Optional<ServerFlavor> flavor,
                             long serverId, List<String> tables, List<String> databases,
                             Set<Operation> operations, StartFrom start, Duration connectTimeout,
                             Duration connectRetryMaxBackoff, Recovery recovery, Duration downUnhealthyAfter,
                             SourceTls tls) {

    /** {@code source.flavor}: the server family, or detect it when connecting. */
    public enum FlavorChoice {
        AUTO, MYSQL, MARIADB;

        /** The flavor named, or empty for {@code auto}. */
        public Optional<ServerFlavor> flavor() {
            return this == AUTO ? Optional.empty() : Optional.of(ServerFlavor.valueOf(name()));
        }
    }

    /** What to do when the recorded binlog position is no longer on the server. */
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
        tables = List.copyOf(tables);
        databases = List.copyOf(databases);
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("at least one operation is needed");
        }
        // An EnumSet copy keeps the natural order (INSERT, UPDATE, DELETE) for logs and equality.
        operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
    }
}
