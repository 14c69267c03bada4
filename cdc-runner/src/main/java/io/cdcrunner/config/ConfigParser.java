package io.cdcrunner.config;

import static io.cdcrunner.config.RunnerKeys.DEBEZIUM_PREFIX;
import static io.cdcrunner.config.RunnerKeys.PROCESSOR_PREFIX;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns merged raw values into a {@link RunnerConfig}, collecting every problem instead of stopping at the
 * first. One instance parses one configuration.
 */
final class ConfigParser {

    private final SortedMap<String, RawValue> raw;
    private final List<ConfigProblem> problems;
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();
    private final Map<String, String> processorOptions = new TreeMap<>();
    private final Map<String, String> debeziumOverrides = new TreeMap<>();
    private final Map<String, String> kafkaClient = new TreeMap<>();

    /** {@code problems} may already hold problems found while merging; they are reported together. */
    ConfigParser(SortedMap<String, RawValue> raw, List<ConfigProblem> problems) {
        this.raw = raw;
        this.problems = new ArrayList<>(problems);
    }

    RunnerConfig parse() throws ConfigException {
        sortUndeclaredKeys();
        for (ConfigKey<?> key : RunnerKeys.ALL) {
            parseDeclared(key);
        }
        new PasswordResolver(raw, values, problems).resolve();
        checkQueueExceedsBatch();
        checkRemoteJmxAuthenticated();
        checkKafkaSource();
        checkHighAvailability();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RunnerConfigAssembler(values, processorOptions, debeziumOverrides, kafkaClient).assemble();
    }

    private void sortUndeclaredKeys() {
        raw.forEach((name, value) -> {
            if (RunnerKeys.find(name).isPresent()) {
                return;
            }
            if (name.startsWith(PROCESSOR_PREFIX) && name.length() > PROCESSOR_PREFIX.length()) {
                processorOptions.put(name.substring(PROCESSOR_PREFIX.length()), value.text().trim());
            } else if (name.startsWith(RunnerKeys.KAFKA_CLIENT_PREFIX)
                    && name.length() > RunnerKeys.KAFKA_CLIENT_PREFIX.length()) {
                kafkaClient.put(name.substring(RunnerKeys.KAFKA_CLIENT_PREFIX.length()), value.text().trim());
            } else if (name.startsWith(DEBEZIUM_PREFIX) && name.length() > DEBEZIUM_PREFIX.length()) {
                String property = name.substring(DEBEZIUM_PREFIX.length());
                var reserved = ReservedEngineProperties.whyReserved(property);
                if (reserved.isPresent()) {
                    problems.add(new ConfigProblem(name, KeyNames.looksSecret(name) ? Secret.MASK : value.text(),
                            "no override of " + property + ": " + reserved.get() + " (remove " + value.name() + ")",
                            value.origin()));
                } else {
                    debeziumOverrides.put(property, value.text().trim());
                }
            } else {
                problems.add(unknownKey(name, value));
            }
        });
    }

    private static ConfigProblem unknownKey(String name, RawValue value) {
        var near = KeyNames.closestDeclared(name);
        boolean secret = KeyNames.looksSecret(name) || near.map(ConfigKey::secret).orElse(false);
        String hint = near.map(key -> "; did you mean " + value.spell(key) + "?")
                .orElseGet(() -> RunnerKeys.isInNamespace(name)
                        ? "; the keys are listed in config/cdc-runner.properties"
                        : "; keys start with " + String.join(", ", RunnerKeys.OWNED_PREFIXES) + " or "
                                + DEBEZIUM_PREFIX);
        return new ConfigProblem(name, secret ? Secret.MASK : value.text(),
                "a known key (unknown key " + value.name() + hint + ")", value.origin());
    }

    private void parseDeclared(ConfigKey<?> key) {
        RawValue given = raw.get(key.name());
        // A blank value counts as unset, so "key=" in a file or an empty variable selects the default.
        if (given == null || given.text().isBlank()) {
            if (key.required()) {
                String shown = given == null ? null : given.text();
                String origin = given == null ? "" : given.origin();
                problems.add(new ConfigProblem(key.name(), shown,
                        key.expected() + "; this key is required (" + key.doc() + ")", origin));
            } else if (key.defaultValue() != null) {
                values.put(key, key.type().parse(key.defaultValue()));
            }
            return;
        }
        try {
            Object value = key.type().parse(given.text());
            if (key.validator().accepts(value)) {
                values.put(key, value);
                return;
            }
        } catch (IllegalArgumentException e) {
            // Reported below, together with values the validator rejects: both deserve the same message.
        }
        String shown = key.secret() ? Secret.MASK : given.text();
        problems.add(new ConfigProblem(key.name(), shown, key.expected(), given.origin()));
    }

    /**
     * Several daemons consuming one group need brokers to reach, one shared dead-letter store (a file per instance
     * would scatter them), and one way of naming the topics.
     */
    private void checkKafkaSource() {
        if (values.get(RunnerKeys.SOURCE_TYPE) != SourceSettings.SourceType.KAFKA) {
            return;
        }
        if (values.get(RunnerKeys.KAFKA_BOOTSTRAP_SERVERS) == null) {
            problems.add(new ConfigProblem(RunnerKeys.KAFKA_BOOTSTRAP_SERVERS.name(), null, "the Kafka brokers"
                    + " (host:port[,host:port]) when source.type=kafka: set kafka.bootstrap.servers, or source.type=binlog"));
        }
        Object store = values.get(RunnerKeys.DEADLETTER_STORE);
        if (store != null && !"io.cdcrunner.deadletter.JdbcDeadLetterStore".equals(store)) {
            RawValue given = raw.get(RunnerKeys.DEADLETTER_STORE.name());
            problems.add(new ConfigProblem(RunnerKeys.DEADLETTER_STORE.name(), String.valueOf(store),
                    "io.cdcrunner.deadletter.JdbcDeadLetterStore when source.type=kafka: the daemons of a consumer group"
                            + " share one dead-letter table (a file per instance is not shared); set"
                            + " deadletter.store=io.cdcrunner.deadletter.JdbcDeadLetterStore",
                    given == null ? "default" : given.origin()));
        }
        checkOffsetReset();
        Object topics = values.get(RunnerKeys.KAFKA_TOPICS);
        if (topics instanceof List<?> list && !list.isEmpty() && values.get(RunnerKeys.KAFKA_TOPIC_PATTERN) != null) {
            problems.add(new ConfigProblem(RunnerKeys.KAFKA_TOPIC_PATTERN.name(),
                    String.valueOf(values.get(RunnerKeys.KAFKA_TOPIC_PATTERN)),
                    "unset when kafka.topics is set: name the topics one way"));
        }
    }

    /**
     * Where a group without a committed offset (new, or its offsets expired) starts: {@code latest} and
     * {@code by_duration:...} start past records nobody processed. {@code earliest} (the default) and {@code none}
     * (the member stops with an error instead) skip nothing.
     */
    private void checkOffsetReset() {
        String key = RunnerKeys.KAFKA_CLIENT_PREFIX + "auto.offset.reset";
        String reset = kafkaClient.get("auto.offset.reset");
        if (reset == null) {
            return;
        }
        String value = reset.toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("earliest") && !value.equals("none")) {
            problems.add(new ConfigProblem(key, reset, "earliest (the default) or none: " + reset + " starts a new"
                    + " consumer group, or one whose committed offsets expired, " + (value.startsWith("by_duration")
                    ? "at records younger than the duration, skipping the older ones nobody processed"
                    : "at the end of each partition, skipping the records nobody processed")
                    + "; remove " + key, raw.get(key).origin()));
        }
    }

    /**
     * Instances that take over from each other must find the same offsets, schema history and dead letters, and fence
     * their writes with the lease: all of it in tables on the processor's server. The Kafka source shares its work
     * through the consumer group instead.
     */
    private void checkHighAvailability() {
        if (!Boolean.TRUE.equals(values.get(RunnerKeys.HA_ENABLED))) {
            return;
        }
        if (values.get(RunnerKeys.SOURCE_TYPE) == SourceSettings.SourceType.KAFKA) {
            problems.add(problem(RunnerKeys.HA_ENABLED, "false when source.type=kafka: the daemons of a consumer group"
                    + " share the partitions and take over each other's already; set ha.enabled=false"));
        }
        if (values.get(RunnerKeys.STATE_STORE) != StateSettings.Store.JDBC) {
            problems.add(problem(RunnerKeys.STATE_STORE, "jdbc when ha.enabled=true: the instance that takes over"
                    + " must read the offsets and schema history the other wrote; set state.store=jdbc"));
        }
        Object store = values.get(RunnerKeys.DEADLETTER_STORE);
        if (store != null && !"io.cdcrunner.deadletter.JdbcDeadLetterStore".equals(store)) {
            problems.add(problem(RunnerKeys.DEADLETTER_STORE, "io.cdcrunner.deadletter.JdbcDeadLetterStore when"
                    + " ha.enabled=true: the instances share one dead-letter table, and its writes are fenced by the"
                    + " lease; set deadletter.store=io.cdcrunner.deadletter.JdbcDeadLetterStore"));
        }
        if (values.get(RunnerKeys.SOURCE_HOST) instanceof String hosts && hosts.contains(",")
                && values.get(RunnerKeys.PROCESSOR_JDBC_URL) == null) {
            problems.add(problem(RunnerKeys.PROCESSOR_JDBC_URL, "set when ha.enabled=true and source.host lists several"
                    + " servers: the lease and the shared state live on the processor's server, which every instance"
                    + " must find in the same place, and a standby does not follow the list; set processor.jdbc.url to"
                    + " a server outside the failing cluster, or to an address that moves with its primary"));
        }
        Object name = values.get(RunnerKeys.PIPELINE_NAME);
        int longest = HaSettings.LOCK_NAME_LIMIT - HaSettings.LEASE_LOCK_PREFIX.length();
        if (name instanceof String pipeline && pipeline.length() > longest) {
            problems.add(problem(RunnerKeys.PIPELINE_NAME, "at most " + longest + " characters with ha.enabled=true"
                    + " (it is " + pipeline.length() + "): the lease is the lock '" + HaSettings.LEASE_LOCK_PREFIX
                    + "<pipeline.name>', and MySQL refuses lock names longer than " + HaSettings.LOCK_NAME_LIMIT
                    + "; choose a shorter pipeline.name"));
        }
        Object timeout = values.get(RunnerKeys.HA_LEASE_TIMEOUT);
        Object interval = values.get(RunnerKeys.HA_LEASE_CHECK_INTERVAL);
        if (timeout instanceof Long t && interval instanceof Long i && i * 2 > t) {
            problems.add(problem(RunnerKeys.HA_LEASE_CHECK_INTERVAL, "at most half of ha.lease.timeout.ms (" + t
                    + "): the active instance must notice a lost lease well before another takes over"));
        }
    }

    private ConfigProblem problem(ConfigKey<?> key, String expected) {
        RawValue given = raw.get(key.name());
        return new ConfigProblem(key.name(), key.secret() ? Secret.MASK : String.valueOf(values.get(key)), expected,
                given == null ? "default" : given.origin());
    }

    /** A remote JMX connector without passwords would let any local user in. */
    private void checkRemoteJmxAuthenticated() {
        if (values.get(RunnerKeys.JMX_REMOTE_PORT) instanceof Integer port && port != 0
                && values.get(RunnerKeys.JMX_REMOTE_PASSWORD_FILE) == null) {
            problems.add(new ConfigProblem(RunnerKeys.JMX_REMOTE_PASSWORD_FILE.name(), null, "a password file when"
                    + " jmx.remote.port is set (" + port + "): without one any local user could connect and run code"
                    + " in the daemon; create one ('user password' per line, chmod 600) or set jmx.remote.port=0"));
        }
    }

    private void checkQueueExceedsBatch() {
        Object batch = values.get(RunnerKeys.ENGINE_MAX_BATCH_SIZE);
        Object queue = values.get(RunnerKeys.ENGINE_MAX_QUEUE_SIZE);
        if (batch instanceof Integer batchSize && queue instanceof Integer queueSize && queueSize <= batchSize) {
            RawValue given = raw.get(RunnerKeys.ENGINE_MAX_QUEUE_SIZE.name());
            problems.add(new ConfigProblem(RunnerKeys.ENGINE_MAX_QUEUE_SIZE.name(), String.valueOf(queueSize),
                    "an integer greater than engine.max.batch.size (" + batchSize + ")",
                    given == null ? "default" : given.origin()));
        }
    }
}
