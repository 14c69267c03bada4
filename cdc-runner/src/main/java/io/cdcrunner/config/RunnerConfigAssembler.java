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

    private final Map<ConfigKey, Object> values;
    private final Map<String, String> processorOptions;
    private final Map<String, String> debeziumOverrides;

    RunnerConfigAssembler(Map<ConfigKey, Object> values, Map<String, String> processorOptions,
                          Map<String, String> debeziumOverrides) {
        this.values = values;
        this.processorOptions = processorOptions;
        this.debeziumOverrides = debeziumOverrides;
    }

    RunnerConfig assemble() {
        // The processor's JDBC access defaults to the source credentials, as documented on the keys.
        values.putIfAbsent(PROCESSOR_JDBC_USER, values.get(SOURCE_USER));
        values.putIfAbsent(PROCESSOR_JDBC_PASSWORD, values.get(SOURCE_PASSWORD));
        values.putIfAbsent(PROCESSOR_READ_USER, values.get(PROCESSOR_JDBC_USER));
        values.putIfAbsent(PROCESSOR_READ_PASSWORD, values.get(PROCESSOR_JDBC_PASSWORD));
        values.putIfAbsent(DEADLETTER_JDBC_USER, values.get(PROCESSOR_JDBC_USER));
        values.putIfAbsent(DEADLETTER_JDBC_PASSWORD, values.get(PROCESSOR_JDBC_PASSWORD));
        return new RunnerConfig(string(PIPELINE_NAME), source(), (Path) values.get(STATE_DIR),
                millis(STATE_OFFSET_FLUSH_INTERVAL), processor(), read(), delivery(), deadLetters(), engine(),
                millis(SHUTDOWN_TIMEOUT), jmx(), debeziumOverrides, shownValues(),
                Redaction.secretsOf(values, processorOptions, debeziumOverrides));
    }

    private SourceSettings source() {
        String flavor = string(SOURCE_FLAVOR);
        Optional<ServerFlavor> serverFlavor = flavor.equals("auto")
                ? Optional.empty()
                : Optional.of(ServerFlavor.valueOf(flavor.toUpperCase(Locale.ROOT)));
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        list(SOURCE_OPERATIONS).forEach(op -> operations.add(Operation.valueOf(op.toUpperCase(Locale.ROOT))));
        return new SourceSettings(string(SOURCE_HOST), (Integer) values.get(SOURCE_PORT), string(SOURCE_USER),
                (Secret) values.get(SOURCE_PASSWORD), serverFlavor, (Long) values.get(SOURCE_SERVER_ID),
                list(SOURCE_TABLES), list(SOURCE_DATABASES), operations,
                StartFrom.fromConfigValue(string(SOURCE_START)), millis(SOURCE_CONNECT_TIMEOUT),
                millis(SOURCE_CONNECT_RETRY_MAX_BACKOFF), SourceSettings.Recovery.valueOf(constant(SOURCE_RECOVERY)),
                millis(SOURCE_DOWN_UNHEALTHY_AFTER), tls());
    }

    private SourceTls tls() {
        return new SourceTls(SourceTls.Mode.fromConfigValue(string(SOURCE_SSL_MODE)),
                Optional.ofNullable((Path) values.get(SOURCE_SSL_TRUSTSTORE)), (Secret) values.get(SOURCE_SSL_TRUSTSTORE_PASSWORD),
                Optional.ofNullable((Path) values.get(SOURCE_SSL_KEYSTORE)), (Secret) values.get(SOURCE_SSL_KEYSTORE_PASSWORD));
    }

    private DeliverySettings delivery() {
        return new DeliverySettings((Integer) values.get(PROCESSOR_THREADS),
                Optional.ofNullable(string(PROCESSOR_ORDERING_COLUMN)), (Integer) values.get(PROCESSOR_RETRY_MAX_ATTEMPTS),
                millis(PROCESSOR_RETRY_INITIAL_BACKOFF), millis(PROCESSOR_RETRY_MAX_BACKOFF),
                DeliverySettings.FailureMode.valueOf(constant(PROCESSOR_ON_FAILURE)), string(PROCESSOR_LEDGER_TABLE));
    }

    private DeadLetterSettings deadLetters() {
        return new DeadLetterSettings(string(DEADLETTER_STORE), Optional.ofNullable(string(DEADLETTER_JDBC_URL)),
                string(DEADLETTER_JDBC_USER), (Secret) values.get(DEADLETTER_JDBC_PASSWORD), string(DEADLETTER_JDBC_TABLE));
    }

    /** An enum key's value as a Java constant name: {@code dead-letter} becomes {@code DEAD_LETTER}. */
    private String constant(ConfigKey key) {
        return string(key).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private ProcessorSettings processor() {
        return new ProcessorSettings(string(PROCESSOR_CLASS), Optional.ofNullable(string(PROCESSOR_JDBC_URL)),
                string(PROCESSOR_JDBC_USER), (Secret) values.get(PROCESSOR_JDBC_PASSWORD),
                (Integer) values.get(PROCESSOR_JDBC_POOL_SIZE), processorOptions);
    }

    private ReadSettings read() {
        return new ReadSettings(Optional.ofNullable(string(PROCESSOR_READ_URL)), string(PROCESSOR_READ_USER),
                (Secret) values.get(PROCESSOR_READ_PASSWORD),
                ReadSettings.Visibility.valueOf(constant(PROCESSOR_READ_VISIBILITY)),
                millis(PROCESSOR_READ_VISIBILITY_TIMEOUT));
    }

    private EngineSettings engine() {
        return new EngineSettings(millis(ENGINE_POLL_INTERVAL), (Integer) values.get(ENGINE_MAX_BATCH_SIZE),
                (Integer) values.get(ENGINE_MAX_QUEUE_SIZE));
    }

    private JmxSettings jmx() {
        return new JmxSettings((Integer) values.get(JMX_REMOTE_PORT), string(JMX_REMOTE_HOST),
                Optional.ofNullable((Path) values.get(JMX_REMOTE_PASSWORD_FILE)),
                Optional.ofNullable((Path) values.get(JMX_REMOTE_ACCESS_FILE)), (Boolean) values.get(JMX_REMOTE_SSL));
    }

    private Map<String, String> shownValues() {
        Map<String, String> shown = new TreeMap<>();
        for (ConfigKey key : ALL) {
            Object value = values.get(key);
            shown.put(key.name(), value == null ? "" : Redaction.PATTERNS_ONLY.apply(key.type().render(value)));
        }
        processorOptions.forEach((name, value) -> shown.put(PROCESSOR_PREFIX + name, maskIfSecret(name, value)));
        debeziumOverrides.forEach((name, value) -> shown.put(DEBEZIUM_PREFIX + name, maskIfSecret(name, value)));
        return shown;
    }

    private static String maskIfSecret(String name, String value) {
        return KeyNames.looksSecret(name) ? Secret.MASK : Redaction.PATTERNS_ONLY.apply(value);
    }

    private String string(ConfigKey key) {
        return (String) values.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<String> list(ConfigKey key) {
        return (List<String>) values.get(key);
    }

    private Duration millis(ConfigKey key) {
        return Duration.ofMillis((Long) values.get(key));
    }
}
