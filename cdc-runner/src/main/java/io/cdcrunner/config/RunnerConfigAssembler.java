package io.cdcrunner.config;

import static io.cdcrunner.config.RunnerKeys.*;

import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Builds the typed {@link RunnerConfig} from values that have all passed validation. */
final class RunnerConfigAssembler {

    private final Map<ConfigKey<?>, Object> values;
    private final Map<String, String> processorOptions;
    private final Map<String, String> debeziumOverrides;
    private final Map<String, String> kafkaClient;

    RunnerConfigAssembler(Map<ConfigKey<?>, Object> values, Map<String, String> processorOptions,
                          Map<String, String> debeziumOverrides, Map<String, String> kafkaClient) {
        this.values = values;
        this.processorOptions = processorOptions;
        this.debeziumOverrides = debeziumOverrides;
        this.kafkaClient = kafkaClient;
    }

    RunnerConfig assemble() {
        // Each pool's URL, user and password default to those of the pool it reads or writes beside, down to the
        // source server's, as documented on the keys; the logins are shown with their effective values.
        defaultTo(PROCESSOR_JDBC_USER, SOURCE_USER);
        defaultTo(PROCESSOR_JDBC_PASSWORD, SOURCE_PASSWORD);
        defaultTo(PROCESSOR_READ_USER, PROCESSOR_JDBC_USER);
        defaultTo(PROCESSOR_READ_PASSWORD, PROCESSOR_JDBC_PASSWORD);
        defaultTo(DEADLETTER_JDBC_USER, PROCESSOR_JDBC_USER);
        defaultTo(DEADLETTER_JDBC_PASSWORD, PROCESSOR_JDBC_PASSWORD);
        defaultTo(STATE_JDBC_USER, PROCESSOR_JDBC_USER);
        defaultTo(STATE_JDBC_PASSWORD, PROCESSOR_JDBC_PASSWORD);
        Map<String, String> shown = shownValues();
        SourceSettings source = source();
        JdbcTarget processorJdbc = target(source.jdbcTarget(source.user(), source.password()),
                PROCESSOR_JDBC_URL, PROCESSOR_JDBC_USER, PROCESSOR_JDBC_PASSWORD);
        return new RunnerConfig(get(PIPELINE_NAME), source, get(SOURCE_TYPE), kafka(), get(STATE_DIR),
                millis(STATE_OFFSET_FLUSH_INTERVAL), processor(processorJdbc), read(processorJdbc), delivery(),
                deadLetters(processorJdbc), state(processorJdbc), ha(), engine(), backfill(), millis(SHUTDOWN_TIMEOUT), jmx(),
                debeziumOverrides, shown,
                Redaction.secretsOf(values, processorOptions, debeziumOverrides, kafkaClient));
    }

    /** An unset key takes another key's value: a fallback of the same type. */
    private <T> void defaultTo(ConfigKey<T> key, ConfigKey<T> fallback) {
        values.putIfAbsent(key, get(fallback));
    }

    /**
     * The target of a pool whose keys are {@code url}, {@code user} and {@code password} (the logins already fell
     * back): an unset URL is {@code fallback}'s, with its driver properties (the source's TLS ones, when it is the
     * source's own URL); a URL of the user's carries its own TLS settings.
     */
    private JdbcTarget target(JdbcTarget fallback, ConfigKey<String> url, ConfigKey<String> user,
                              ConfigKey<Secret> password) {
        String ownUrl = get(url);
        return ownUrl == null ? fallback.withLogin(get(user), get(password))
                : new JdbcTarget(ownUrl, get(user), get(password));
    }

    private SourceSettings source() {
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        get(SOURCE_OPERATIONS).forEach(op -> operations.add(Operation.valueOf(op.toUpperCase(Locale.ROOT))));
        return new SourceSettings(get(SOURCE_HOST), get(SOURCE_PORT), get(SOURCE_USER), get(SOURCE_PASSWORD),
                get(SOURCE_FLAVOR).flavor(), get(SOURCE_SERVER_ID), get(SOURCE_TABLES), get(SOURCE_DATABASES),
                operations, get(SOURCE_START), millis(SOURCE_CONNECT_TIMEOUT), millis(SOURCE_CONNECT_RETRY_MAX_BACKOFF),
                get(SOURCE_RECOVERY), millis(SOURCE_DOWN_UNHEALTHY_AFTER), tls(), get(SOURCE_HOST_PICK), millis(SOURCE_HOST_MOVE_AFTER),
                SourceServers.parse(get(SOURCE_HOST), get(SOURCE_PORT)));
    }

    private KafkaSettings kafka() {
        String pipeline = get(PIPELINE_NAME);
        String pattern = get(KAFKA_TOPIC_PATTERN) != null ? get(KAFKA_TOPIC_PATTERN)
                : java.util.regex.Pattern.quote(pipeline) + "\\.[^.]+\\.[^.]+";
        return new KafkaSettings(get(KAFKA_BOOTSTRAP_SERVERS) == null ? "" : get(KAFKA_BOOTSTRAP_SERVERS),
                get(KAFKA_GROUP_ID) != null ? get(KAFKA_GROUP_ID) : pipeline, get(KAFKA_TOPICS), pattern,
                get(KAFKA_TOPIC_PARTITIONS), get(KAFKA_CONNECTOR_NAME) != null ? get(KAFKA_CONNECTOR_NAME) : pipeline,
                Optional.ofNullable(get(KAFKA_CONNECT_URL)), millis(KAFKA_LEDGER_RETENTION), millis(KAFKA_REVOKE_TIMEOUT),
                kafkaClient);
    }

    private SourceTls tls() {
        return new SourceTls(get(SOURCE_SSL_MODE), Optional.ofNullable(get(SOURCE_SSL_TRUSTSTORE)),
                get(SOURCE_SSL_TRUSTSTORE_PASSWORD), Optional.ofNullable(get(SOURCE_SSL_KEYSTORE)),
                get(SOURCE_SSL_KEYSTORE_PASSWORD));
    }

    private DeliverySettings delivery() {
        return new DeliverySettings(get(PROCESSOR_THREADS), Optional.ofNullable(get(PROCESSOR_ORDERING_COLUMN)),
                get(PROCESSOR_RETRY_MAX_ATTEMPTS), millis(PROCESSOR_RETRY_INITIAL_BACKOFF),
                millis(PROCESSOR_RETRY_MAX_BACKOFF), get(PROCESSOR_ON_FAILURE), get(PROCESSOR_LEDGER_TABLE));
    }

    private DeadLetterSettings deadLetters(JdbcTarget processorJdbc) {
        return new DeadLetterSettings(get(DEADLETTER_STORE),
                target(processorJdbc, DEADLETTER_JDBC_URL, DEADLETTER_JDBC_USER, DEADLETTER_JDBC_PASSWORD),
                get(DEADLETTER_JDBC_TABLE));
    }

    private StateSettings state(JdbcTarget processorJdbc) {
        return new StateSettings(get(STATE_STORE), target(processorJdbc, STATE_JDBC_URL, STATE_JDBC_USER,
                STATE_JDBC_PASSWORD), get(STATE_JDBC_DATABASE));
    }

    private HaSettings ha() {
        return new HaSettings(get(HA_ENABLED), millis(HA_LEASE_TIMEOUT), millis(HA_LEASE_CHECK_INTERVAL));
    }

    private ProcessorSettings processor(JdbcTarget processorJdbc) {
        return new ProcessorSettings(get(PROCESSOR_CLASS), processorJdbc, get(PROCESSOR_JDBC_POOL_SIZE),
                processorOptions);
    }

    private ReadSettings read(JdbcTarget processorJdbc) {
        return new ReadSettings(target(processorJdbc, PROCESSOR_READ_URL, PROCESSOR_READ_USER, PROCESSOR_READ_PASSWORD),
                get(PROCESSOR_READ_URL) != null, get(PROCESSOR_READ_VISIBILITY), millis(PROCESSOR_READ_VISIBILITY_TIMEOUT));
    }

    private EngineSettings engine() {
        return new EngineSettings(millis(ENGINE_POLL_INTERVAL), get(ENGINE_MAX_BATCH_SIZE), get(ENGINE_MAX_QUEUE_SIZE),
                get(ENGINE_MAX_QUEUE_BYTES));
    }

    private BackfillSettings backfill() {
        return new BackfillSettings(get(BACKFILL_CHUNK_SIZE), get(SOURCE_NEW_TABLES));
    }

    private JmxSettings jmx() {
        return new JmxSettings(get(JMX_REMOTE_PORT), get(JMX_REMOTE_HOST), Optional.ofNullable(get(JMX_REMOTE_PASSWORD_FILE)),
                Optional.ofNullable(get(JMX_REMOTE_ACCESS_FILE)), get(JMX_REMOTE_SSL));
    }

    private Map<String, String> shownValues() {
        Map<String, String> shown = new TreeMap<>();
        for (ConfigKey<?> key : ALL) {
            Object value = values.get(key);
            shown.put(key.name(), value == null ? "" : Redaction.PATTERNS_ONLY.apply(key.type().render(value)));
        }
        processorOptions.forEach((name, value) -> shown.put(PROCESSOR_PREFIX + name, maskIfSecret(name, value)));
        debeziumOverrides.forEach((name, value) -> shown.put(DEBEZIUM_PREFIX + name, maskIfSecret(name, value)));
        kafkaClient.forEach((name, value) -> shown.put(RunnerKeys.KAFKA_CLIENT_PREFIX + name, maskIfSecret(name, value)));
        return shown;
    }

    private static String maskIfSecret(String name, String value) {
        return KeyNames.looksSecret(name) ? Secret.MASK : Redaction.PATTERNS_ONLY.apply(value);
    }

    private <T> T get(ConfigKey<T> key) {
        return key.get(values);
    }

    private Duration millis(ConfigKey<Long> key) {
        return Duration.ofMillis(get(key));
    }
}
