package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigKey.choice;
import static io.cdcrunner.config.ConfigKey.optional;
import static io.cdcrunner.config.ConfigKey.required;
import static io.cdcrunner.config.ConfigKey.withDefault;
import static io.cdcrunner.config.ConfigType.BOOLEAN;
import static io.cdcrunner.config.ConfigType.BYTES;
import static io.cdcrunner.config.ConfigType.CLASS;
import static io.cdcrunner.config.ConfigType.DURATION_MS;
import static io.cdcrunner.config.ConfigType.INT;
import static io.cdcrunner.config.ConfigType.LIST;
import static io.cdcrunner.config.ConfigType.LONG;
import static io.cdcrunner.config.ConfigType.PASSWORD;
import static io.cdcrunner.config.ConfigType.PATH;
import static io.cdcrunner.config.ConfigType.STRING;
import static io.cdcrunner.config.Validator.any;
import static io.cdcrunner.config.Validator.atLeast;
import static io.cdcrunner.config.Validator.atLeastBytes;
import static io.cdcrunner.config.Validator.between;
import static io.cdcrunner.config.Validator.matching;
import static io.cdcrunner.config.Validator.nonEmptySubsetOf;
import static io.cdcrunner.config.Validator.oneOf;
import static io.cdcrunner.config.Validator.regex;
import static io.cdcrunner.config.Validator.regexes;
import static io.cdcrunner.config.Validator.tableNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key of the daemon, declared once. The parser, the error messages, the Markdown
 * reference and the sample properties file are all derived from this table; the order here is the order of
 * the documentation.
 */
public final class RunnerKeys {

    /** Prefixes of the keys the daemon owns: an undeclared key under one of them is an error. */
    public static final List<String> OWNED_PREFIXES =
            List.of("pipeline.", "source.", "kafka.", "state.", "ha.", "processor.", "deadletter.", "engine.", "shutdown.", "jmx.");
    /** Undeclared {@code processor.*} keys belong to the processor and are passed to it, prefix removed. */
    public static final String PROCESSOR_PREFIX = "processor.";
    /** Undeclared {@code kafka.client.*} keys are consumer properties, prefix removed. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    /** {@code debezium.*} keys are passed to the Debezium engine, prefix removed, overriding the daemon's. */
    public static final String DEBEZIUM_PREFIX = "debezium.";

    /** Every key, in the order declared below (which is the documentation's): each declaration adds itself. */
    private static final List<ConfigKey<?>> DECLARED = new ArrayList<>();

    // @formatter:off
    public static final ConfigKey<String> PIPELINE_NAME = declare(withDefault("pipeline.name", STRING, "cdc-runner", matching("[A-Za-z0-9_.-]+"),
            "Name of this pipeline, used in JMX object names and as the Debezium topic prefix."));

    public static final ConfigKey<String> SOURCE_HOST = declare(required("source.host", STRING, Validator.of(
            "host, host:port, [IPv6]:port, or several separated by commas", value -> {
                try {
                    SourceServers.parse((String) value, 3306);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }),
            "Host name or IP address of the MySQL/MariaDB server to read the binlog from; or several (db1:3306,db2:3306): the daemon reads the one source.host.pick chooses and moves to another when it is lost, resuming by GTID (see When the database fails over)."));
    public static final ConfigKey<SourceSettings.Pick> SOURCE_HOST_PICK = declare(choice("source.host.pick", SourceSettings.Pick.class, SourceSettings.Pick.WRITABLE,
            "With several servers in source.host: writable reads the one that accepts writes (read_only=OFF), the primary wherever it is; first-reachable reads the first one listed that answers (a list of replicas)."));
    public static final ConfigKey<Long> SOURCE_HOST_MOVE_AFTER = declare(withDefault("source.host.move.after.ms", DURATION_MS, "10000", atLeast(1000),
            "With several servers in source.host: how long the binlog connection may stay lost before the daemon looks for another server (the one it lost is taken again if it qualifies)."));
    public static final ConfigKey<Integer> SOURCE_PORT = declare(withDefault("source.port", INT, "3306", between(1, 65535),
            "TCP port of the source server."));
    public static final ConfigKey<String> SOURCE_USER = declare(required("source.user", STRING, any(),
            "User to connect as; needs REPLICATION SLAVE, REPLICATION CLIENT (BINLOG MONITOR on MariaDB 10.5+) and SELECT."));
    public static final ConfigKey<Secret> SOURCE_PASSWORD = declare(withDefault("source.password", PASSWORD, "", any(),
            "Password of source.user; prefer the CDC_SOURCE_PASSWORD environment variable or source.password.file."));
    public static final ConfigKey<Path> SOURCE_PASSWORD_FILE = declare(optional("source.password.file", PATH, any(),
            "File holding the password of source.user (a trailing newline is ignored); exclusive with source.password."));
    public static final ConfigKey<SourceSettings.FlavorChoice> SOURCE_FLAVOR = declare(choice("source.flavor", SourceSettings.FlavorChoice.class, SourceSettings.FlavorChoice.AUTO,
            "Server family; auto detects it when connecting."));
    public static final ConfigKey<Long> SOURCE_SERVER_ID = declare(withDefault("source.server.id", LONG, "184054", between(1, 4294967295L),
            "Replica server id the daemon uses to read the binlog; must differ from every server and replica."));
    public static final ConfigKey<List<String>> SOURCE_TABLES = declare(withDefault("source.tables", LIST, "", tableNames(),
            "Tables to capture as database.table (regular expressions allowed); empty means all tables."));
    public static final ConfigKey<List<String>> SOURCE_DATABASES = declare(withDefault("source.databases", LIST, "", regexes(),
            "Databases to capture (regular expressions allowed); empty means all databases."));
    public static final ConfigKey<List<String>> SOURCE_OPERATIONS = declare(withDefault("source.operations", LIST, "insert,truncate,drop",
            nonEmptySubsetOf("insert", "update", "delete", "truncate", "drop"),
            "Changes passed to the processor: row inserts, updates and deletes, and TRUNCATE and DROP of a captured table (table events)."));
    public static final ConfigKey<SourceTls.Mode> SOURCE_SSL_MODE = declare(choice("source.ssl.mode", SourceTls.Mode.class, SourceTls.Mode.PREFERRED,
            "TLS to the source (binlog reader, probes, check, and the processor's pools without a URL of their own): disabled, preferred (TLS when the server offers it), required, verify-ca (the certificate is signed by a CA of source.ssl.truststore, else of the JVM), verify-identity (and names source.host)."));
    public static final ConfigKey<Path> SOURCE_SSL_TRUSTSTORE = declare(optional("source.ssl.truststore", PATH, any(),
            "Trust store (PKCS12 or JKS) with the CA certificates the source's certificate is checked against; unset means the JVM's."));
    public static final ConfigKey<Secret> SOURCE_SSL_TRUSTSTORE_PASSWORD = declare(withDefault("source.ssl.truststore.password", PASSWORD, "", any(),
            "Password of source.ssl.truststore."));
    public static final ConfigKey<Path> SOURCE_SSL_KEYSTORE = declare(optional("source.ssl.keystore", PATH, any(),
            "Key store (PKCS12 or JKS) with a client certificate, for a source that asks for one."));
    public static final ConfigKey<Secret> SOURCE_SSL_KEYSTORE_PASSWORD = declare(withDefault("source.ssl.keystore.password", PASSWORD, "", any(),
            "Password of source.ssl.keystore."));
    public static final ConfigKey<StartFrom> SOURCE_START = declare(choice("source.start", StartFrom.class, StartFrom.BINLOG_END,
            "First start only: binlog-end processes changes committed after it; snapshot first processes the rows already present."));
    public static final ConfigKey<Long> SOURCE_CONNECT_TIMEOUT = declare(withDefault("source.connect.timeout.ms", DURATION_MS, "30000", atLeast(1),
            "How long to wait for a connection to the source server."));
    public static final ConfigKey<Long> SOURCE_CONNECT_RETRY_MAX_BACKOFF = declare(withDefault("source.connect.retry.max.backoff.ms", DURATION_MS, "30000", atLeast(1),
            "While the source is unreachable at start-up the daemon retries, backing off exponentially up to this interval."));
    public static final ConfigKey<Long> SOURCE_DOWN_UNHEALTHY_AFTER = declare(withDefault("source.down.unhealthy.after.ms", DURATION_MS, "30000", atLeast(1),
            "How long the source may be out of reach (the binlog connection down, no engine running, a standby without its state server) before status and JMX call the pipeline unhealthy; with ha.enabled, an active instance steps down after it."));
    public static final ConfigKey<SourceSettings.Recovery> SOURCE_RECOVERY = declare(choice("source.recovery", SourceSettings.Recovery.class, SourceSettings.Recovery.FAIL,
            "When the recorded binlog position was purged from the server: fail stops with the missing position named; snapshot re-reads the included tables (as inserts) and resumes streaming."));

    public static final ConfigKey<BackfillSettings.NewTables> SOURCE_NEW_TABLES = declare(choice("source.new.tables", BackfillSettings.NewTables.class, BackfillSettings.NewTables.STREAM,
            "A table source.tables or source.databases selects at a start that it did not select at the previous start: stream processes its changes from then on; backfill also reads its existing rows while streaming goes on (a backfill run, as cdc-runner snapshot starts)."));
    public static final ConfigKey<Integer> BACKFILL_CHUNK_SIZE = declare(withDefault("backfill.chunk.size", INT, "4096", between(1, 100000),
            "Rows a backfill reads per chunk, in primary-key order, while streaming goes on; a chunk is held in memory until the stream passes the point it was read at. A per-family processor computes a family once per batch (engine.max.batch.size), so larger chunks and batches mean fewer computations."));

    public static final ConfigKey<SourceSettings.SourceType> SOURCE_TYPE = declare(choice("source.type", SourceSettings.SourceType.class, SourceSettings.SourceType.BINLOG,
            "How the changes arrive: binlog reads the source's binlog with the embedded engine; kafka consumes the change topics a Kafka Connect Debezium connector writes (cdc-runner connector-config prints its configuration), several daemons sharing them as one consumer group."));

    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = declare(optional("kafka.bootstrap.servers", STRING, any(),
            "With source.type=kafka (then required): the Kafka brokers, host:port[,host:port...]. Other consumer settings (TLS, SASL) go in kafka.client.*."));
    public static final ConfigKey<String> KAFKA_GROUP_ID = declare(optional("kafka.group.id", STRING, matching("[A-Za-z0-9_.-]+"),
            "Consumer group of the daemons sharing the change topics; unset means pipeline.name."));
    public static final ConfigKey<List<String>> KAFKA_TOPICS = declare(withDefault("kafka.topics", LIST, "", any(),
            "Change topics to consume; empty means kafka.topic.pattern."));
    public static final ConfigKey<String> KAFKA_TOPIC_PATTERN = declare(optional("kafka.topic.pattern", STRING, regex(),
            "Regular expression of the change topics to consume when kafka.topics is empty; unset means the connector's row-change topics, pipeline.name.database.table."));
    public static final ConfigKey<Integer> KAFKA_TOPIC_PARTITIONS = declare(withDefault("kafka.topic.partitions", INT, "6", between(1, 10000),
            "Partitions of each change topic the connector creates, and the number its routing of processor.ordering.column hashes over (see connector-config); the most daemons that share the work."));
    public static final ConfigKey<String> KAFKA_CONNECTOR_NAME = declare(optional("kafka.connector.name", STRING, matching("[A-Za-z0-9_.-]+"),
            "Name of the Connect connector writing the change topics; unset means pipeline.name."));
    public static final ConfigKey<String> KAFKA_CONNECT_URL = declare(optional("kafka.connect.url", STRING, any(),
            "REST URL of the Kafka Connect cluster (http://host:8083): check compares the running connector's configuration with connector-config's."));
    public static final ConfigKey<Long> KAFKA_LEDGER_RETENTION = declare(withDefault("kafka.ledger.retention.ms", DURATION_MS, "604800000", atLeast(60000),
            "How long a TransactionalProcessor's ledger entries are kept: an event delivered again within this time is applied once. Keep it at least the change topics' retention.ms (7 days is Kafka's default; check fails otherwise, run warns): a group that lost its offsets reads the topics from the start."));
    public static final ConfigKey<Long> KAFKA_REVOKE_TIMEOUT = declare(withDefault("kafka.revoke.timeout.ms", DURATION_MS, "20000", atLeast(1),
            "When a rebalance takes partitions away, how long their events in progress may take to finish before they are abandoned (the new owner delivers them again); keep it below the consumer's max.poll.interval.ms."));

    public static final ConfigKey<Path> STATE_DIR = declare(withDefault("state.dir", PATH, "state", any(),
            "Directory for the binlog offsets and the schema history (relative to the working directory); keep it across restarts."));
    public static final ConfigKey<Long> STATE_OFFSET_FLUSH_INTERVAL = declare(withDefault("state.offset.flush.interval.ms", DURATION_MS, "1000", any(),
            "How often the processed binlog position is written to the state store."));
    public static final ConfigKey<StateSettings.Store> STATE_STORE = declare(choice("state.store", StateSettings.Store.class, StateSettings.Store.FILE,
            "Where the binlog offsets and the schema history live: file keeps them in state.dir; jdbc in tables of state.jdbc.database (offsets, schema_history, schema_recoveries, leases), which the instances of ha.enabled share."));
    public static final ConfigKey<String> STATE_JDBC_URL = declare(optional("state.jdbc.url", STRING, any(),
            "With state.store=jdbc: JDBC URL of the server holding the state tables; unset means the processor's database (with ha.enabled it must be that server)."));
    public static final ConfigKey<String> STATE_JDBC_USER = declare(optional("state.jdbc.user", STRING, any(),
            "User of state.jdbc.url; unset means the processor's user."));
    public static final ConfigKey<Secret> STATE_JDBC_PASSWORD = declare(optional("state.jdbc.password", PASSWORD, any(),
            "Password of state.jdbc.user; unset means the processor's password."));
    public static final ConfigKey<String> STATE_JDBC_DATABASE = declare(withDefault("state.jdbc.database", STRING, "cdc_runner", matching("[A-Za-z0-9_$]+"),
            "Database of the state tables; created if missing."));

    public static final ConfigKey<Boolean> HA_ENABLED = declare(withDefault("ha.enabled", BOOLEAN, "false", any(),
            "Run as one of several instances of this pipeline on any hosts: the instance holding the lease (GET_LOCK on the state server) processes, the others stand by (state STANDBY) and take over when it stops, dies or hangs. Needs state.store=jdbc and deadletter.store=io.cdcrunner.deadletter.JdbcDeadLetterStore, all on the processor's database server."));
    public static final ConfigKey<Long> HA_LEASE_TIMEOUT = declare(withDefault("ha.lease.timeout.ms", DURATION_MS, "10000", atLeast(1000),
            "How long an active instance that hangs keeps the lease: the server drops its lease connection (wait_timeout, whole seconds rounded up) after this long without a word from it."));
    public static final ConfigKey<Long> HA_LEASE_CHECK_INTERVAL = declare(withDefault("ha.lease.check.interval.ms", DURATION_MS, "1000", atLeast(100),
            "How often the active instance checks that it still holds the lease (IS_USED_LOCK); it stops processing at once when it does not. Keep it well below ha.lease.timeout.ms."));

    public static final ConfigKey<String> PROCESSOR_CLASS = declare(withDefault("processor.class", CLASS, "io.cdcrunner.processor.builtin.LoggingProcessor", any(),
            "The EventProcessor implementation to run (public no-argument constructor)."));
    public static final ConfigKey<String> PROCESSOR_JDBC_URL = declare(optional("processor.jdbc.url", STRING, any(),
            "JDBC URL the processor gets connections for; unset means the source database."));
    public static final ConfigKey<String> PROCESSOR_JDBC_USER = declare(optional("processor.jdbc.user", STRING, any(),
            "User of processor.jdbc.url; unset means source.user."));
    public static final ConfigKey<Secret> PROCESSOR_JDBC_PASSWORD = declare(optional("processor.jdbc.password", PASSWORD, any(),
            "Password of processor.jdbc.user; unset means the source password."));
    public static final ConfigKey<Integer> PROCESSOR_JDBC_POOL_SIZE = declare(withDefault("processor.jdbc.pool.size", INT, "4", between(1, 64),
            "Maximum number of pooled JDBC connections for the processor."));
    public static final ConfigKey<String> PROCESSOR_READ_URL = declare(optional("processor.read.url", STRING, any(),
            "JDBC URL of the one server the processor reads from (a replica, say) through readDataSource(); unset means the processor's own data source."));
    public static final ConfigKey<String> PROCESSOR_READ_USER = declare(optional("processor.read.user", STRING, any(),
            "User of processor.read.url; unset means processor.jdbc.user."));
    public static final ConfigKey<Secret> PROCESSOR_READ_PASSWORD = declare(optional("processor.read.password", PASSWORD, any(),
            "Password of processor.read.user; unset means the processor's password."));
    public static final ConfigKey<ReadSettings.Visibility> PROCESSOR_READ_VISIBILITY = declare(choice("processor.read.visibility", ReadSettings.Visibility.class, ReadSettings.Visibility.AUTO,
            "How the read server is made to show each event's transaction before the processor runs: auto picks gtid-wait on replicas with GTIDs, primary-lock on a primary (MySQL's too), row-poll (weaker) on replicas without GTIDs; off reads without waiting."));
    public static final ConfigKey<Long> PROCESSOR_READ_VISIBILITY_TIMEOUT = declare(withDefault("processor.read.visibility.timeout.ms", DURATION_MS, "10000", atLeast(1),
            "Longest wait for the read server to show an event; a longer wait fails the attempt, which is retried per processor.retry.*."));
    public static final ConfigKey<Integer> PROCESSOR_THREADS = declare(withDefault("processor.threads", INT, "1", between(1, 64),
            "Processing lanes; events with the same ordering key always go to the same lane, in commit order."));
    public static final ConfigKey<String> PROCESSOR_ORDERING_COLUMN = declare(optional("processor.ordering.column", STRING, matching("[A-Za-z0-9_$]+"),
            "Column whose value (with the table) is the ordering key, e.g. the family column; unset means table + primary key."));
    public static final ConfigKey<Integer> PROCESSOR_RETRY_MAX_ATTEMPTS = declare(withDefault("processor.retry.max.attempts", INT, "5", between(1, 1000),
            "Attempts per event before processor.on.failure applies; 1 means no retry. Lost database connections are retried without limit."));
    public static final ConfigKey<Long> PROCESSOR_RETRY_INITIAL_BACKOFF = declare(withDefault("processor.retry.initial.backoff.ms", DURATION_MS, "100", atLeast(1),
            "Wait before the second attempt; doubles with each attempt, with random jitter."));
    public static final ConfigKey<Long> PROCESSOR_RETRY_MAX_BACKOFF = declare(withDefault("processor.retry.max.backoff.ms", DURATION_MS, "10000", atLeast(1),
            "Longest wait between two attempts."));
    public static final ConfigKey<DeliverySettings.FailureMode> PROCESSOR_ON_FAILURE = declare(choice("processor.on.failure", DeliverySettings.FailureMode.class, DeliverySettings.FailureMode.DEAD_LETTER,
            "After the last attempt: dead-letter stores the event and moves on; halt stops the pipeline before the event."));
    public static final ConfigKey<String> PROCESSOR_LEDGER_TABLE = declare(withDefault("processor.ledger.table", STRING, "cdc_runner.processed_events", matching("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+"),
            "database.table of the ledger of events a TransactionalProcessor committed (created if missing)."));

    public static final ConfigKey<String> DEADLETTER_STORE = declare(withDefault("deadletter.store", CLASS, "io.cdcrunner.deadletter.JsonLinesDeadLetterStore", any(),
            "Where failed events go: io.cdcrunner.deadletter.JsonLinesDeadLetterStore (a file in state.dir) or io.cdcrunner.deadletter.JdbcDeadLetterStore."));
    public static final ConfigKey<String> DEADLETTER_JDBC_URL = declare(optional("deadletter.jdbc.url", STRING, any(),
            "JDBC URL for JdbcDeadLetterStore; unset means the processor's database."));
    public static final ConfigKey<String> DEADLETTER_JDBC_USER = declare(optional("deadletter.jdbc.user", STRING, any(),
            "User for deadletter.jdbc.url; unset means the processor's user."));
    public static final ConfigKey<Secret> DEADLETTER_JDBC_PASSWORD = declare(optional("deadletter.jdbc.password", PASSWORD, any(),
            "Password for deadletter.jdbc.user; unset means the processor's password."));
    public static final ConfigKey<String> DEADLETTER_JDBC_TABLE = declare(withDefault("deadletter.jdbc.table", STRING, "cdc_runner.dead_letters", matching("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+"),
            "database.table for JdbcDeadLetterStore (created if missing)."));

    public static final ConfigKey<Long> ENGINE_POLL_INTERVAL = declare(withDefault("engine.poll.interval.ms", DURATION_MS, "5", atLeast(1),
            "How long a batch gathers events once the first has arrived (an idle engine sleeps until one does): 1 for the lowest latency; higher gives larger batches, which processors doing group work such as FamilyAggregateProcessor need to keep up."));
    public static final ConfigKey<Integer> ENGINE_MAX_BATCH_SIZE = declare(withDefault("engine.max.batch.size", INT, "2048", atLeast(1),
            "Maximum number of events handed over in one batch: what is queued is handed over at once, so a batch is this large only while the daemon is behind, when a per-family processor computes a family once for all of its rows the batch holds; a larger batch delays the events at its end."));
    public static final ConfigKey<Integer> ENGINE_MAX_QUEUE_SIZE = declare(withDefault("engine.max.queue.size", INT, "8192", atLeast(2),
            "Maximum number of events buffered between the binlog reader and the processor; must exceed engine.max.batch.size."));
    public static final ConfigKey<Long> ENGINE_MAX_QUEUE_BYTES = declare(withDefault("engine.max.queue.bytes", BYTES, "16m", atLeastBytes(64 * 1024),
            "Most bytes of change records (column values, estimated) queued between the binlog reader and the processor, and in one batch; a larger row still passes, alone. The heap must hold a few times the largest row (see Memory in docs/operations.md)."));

    public static final ConfigKey<Long> SHUTDOWN_TIMEOUT = declare(withDefault("shutdown.timeout.ms", DURATION_MS, "30000", atLeast(1),
            "How long a stop waits for the event in progress and the final offset flush."));

    public static final ConfigKey<Integer> JMX_REMOTE_PORT = declare(withDefault("jmx.remote.port", INT, "0", between(0, 65535),
            "TCP port of a remote JMX connector (RMI registry and objects) for cdc-runner status and JMX consoles; 0 means none (local attach only)."));
    public static final ConfigKey<String> JMX_REMOTE_HOST = declare(withDefault("jmx.remote.host", STRING, "127.0.0.1", any(),
            "Address the remote JMX connector listens on; the default accepts local connections only."));
    public static final ConfigKey<Path> JMX_REMOTE_PASSWORD_FILE = declare(optional("jmx.remote.password.file", PATH, any(),
            "JMX password file (one 'user password' per line, readable by the daemon's user only); required when jmx.remote.port is set."));
    public static final ConfigKey<Path> JMX_REMOTE_ACCESS_FILE = declare(optional("jmx.remote.access.file", PATH, any(),
            "JMX access file ('user readonly' or 'user readwrite' per line, owner-only): readwrite users may pause and resume; unset means every user is read-only."));
    public static final ConfigKey<Boolean> JMX_REMOTE_SSL = declare(withDefault("jmx.remote.ssl", BOOLEAN, "false", any(),
            "Serve remote JMX over TLS, with the key store given by the javax.net.ssl.keyStore system properties; required when jmx.remote.host is not a loopback address."));
    // @formatter:on

    /** All declared keys, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.copyOf(DECLARED);

    private static final Map<String, ConfigKey<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

    private RunnerKeys() {
    }

    private static <T> ConfigKey<T> declare(ConfigKey<T> key) {
        DECLARED.add(key);
        return key;
    }

    /** The declared key of that name. */
    public static Optional<ConfigKey<?>> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether the name is under a prefix the daemon owns or passes through. */
    public static boolean isInNamespace(String name) {
        return name.startsWith(DEBEZIUM_PREFIX) || OWNED_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
