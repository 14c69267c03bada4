package io.cdcrunner.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The daemon's configuration after parsing and validation: immutable and typed. Obtain one from
 * {@link ConfigLoader}; every instance has passed all checks, including the cross-key ones.
 */
public final class RunnerConfig {

    private final String pipelineName;
    private final SourceSettings source;
    private final SourceSettings.SourceType sourceType;
    private final KafkaSettings kafka;
    private final Path stateDir;
    private final Duration offsetFlushInterval;
    private final ProcessorSettings processor;
    private final ReadSettings read;
    private final DeliverySettings delivery;
    private final DeadLetterSettings deadLetters;
    private final StateSettings state;
    private final HaSettings ha;
    private final EngineSettings engine;
    private final BackfillSettings backfill;
    private final Duration shutdownTimeout;
    private final JmxSettings jmx;
    private final Map<String, String> debeziumOverrides;
    private final SortedMap<String, String> shownValues;
    private final List<String> secretValues;

    RunnerConfig(String pipelineName, SourceSettings source, SourceSettings.SourceType sourceType, KafkaSettings kafka,
                 Path stateDir, Duration offsetFlushInterval,
                 ProcessorSettings processor, ReadSettings read, DeliverySettings delivery, DeadLetterSettings deadLetters,
                 StateSettings state, HaSettings ha, EngineSettings engine, BackfillSettings backfill, Duration shutdownTimeout, JmxSettings jmx,
                 Map<String, String> debeziumOverrides, Map<String, String> shownValues, List<String> secretValues) {
        this.secretValues = List.copyOf(secretValues);
        this.pipelineName = Objects.requireNonNull(pipelineName);
        this.source = Objects.requireNonNull(source);
        this.sourceType = Objects.requireNonNull(sourceType);
        this.kafka = Objects.requireNonNull(kafka);
        this.stateDir = Objects.requireNonNull(stateDir);
        this.offsetFlushInterval = Objects.requireNonNull(offsetFlushInterval);
        this.processor = Objects.requireNonNull(processor);
        this.read = Objects.requireNonNull(read);
        this.delivery = Objects.requireNonNull(delivery);
        this.deadLetters = Objects.requireNonNull(deadLetters);
        this.state = Objects.requireNonNull(state);
        this.ha = Objects.requireNonNull(ha);
        this.engine = Objects.requireNonNull(engine);
        this.backfill = Objects.requireNonNull(backfill);
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout);
        this.jmx = Objects.requireNonNull(jmx);
        this.debeziumOverrides = Collections.unmodifiableMap(new TreeMap<>(debeziumOverrides));
        this.shownValues = Collections.unmodifiableSortedMap(new TreeMap<>(shownValues));
    }

    /** Every secret value of this configuration, for {@link Redaction}: never shown. */
    List<String> secretValues() {
        return secretValues;
    }

    /** {@code pipeline.name}: safe in JMX object names and as the Debezium topic prefix. */
    public String pipelineName() {
        return pipelineName;
    }

    /** The {@code source.*} keys. */
    public SourceSettings source() {
        return source;
    }

    /** {@code source.type}: the binlog, or Kafka topics a Connect connector writes. */
    public SourceSettings.SourceType sourceType() {
        return sourceType;
    }

    /** The {@code kafka.*} keys (meaningful with {@code source.type=kafka}). */
    public KafkaSettings kafka() {
        return kafka;
    }

    /** {@code state.dir}: where offsets and schema history live. */
    public Path stateDir() {
        return stateDir;
    }

    /** {@code state.offset.flush.interval.ms}. */
    public Duration offsetFlushInterval() {
        return offsetFlushInterval;
    }

    /** The {@code processor.*} keys, including the processor's own options. */
    public ProcessorSettings processor() {
        return processor;
    }

    /** The {@code processor.read.*} keys: the processor's read server and how reads are made current. */
    public ReadSettings read() {
        return read;
    }

    /** Lanes, retries and failure handling ({@code processor.threads}, {@code processor.retry.*}, ...). */
    public DeliverySettings delivery() {
        return delivery;
    }

    /** The {@code deadletter.*} keys. */
    public DeadLetterSettings deadLetters() {
        return deadLetters;
    }

    /** {@code state.store} and the {@code state.jdbc.*} keys: where offsets and schema history live. */
    public StateSettings state() {
        return state;
    }

    /** The {@code ha.*} keys: the leader lease of several instances of this pipeline. */
    public HaSettings ha() {
        return ha;
    }

    /** The {@code engine.*} keys. */
    public EngineSettings engine() {
        return engine;
    }

    /** The {@code backfill.*} keys and {@code source.new.tables}. */
    public BackfillSettings backfill() {
        return backfill;
    }

    /** {@code shutdown.timeout.ms}. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** The {@code jmx.*} keys: the optional remote JMX connector. */
    public JmxSettings jmx() {
        return jmx;
    }

    /**
     * Every {@code debezium.*} key, prefix removed, sorted: Debezium properties to apply last, over the ones
     * the daemon derives from its own keys. For experts; values may be secrets, so never log them directly.
     */
    public Map<String, String> debeziumOverrides() {
        return debeziumOverrides;
    }

    /**
     * The effective configuration, one {@code key=value} line per key, sorted by key, for the start-up log:
     * every declared key (defaults applied), then the processor's options and Debezium overrides under their
     * full names. Secrets, and pass-through values whose names suggest one, are shown as {@value Secret#MASK}.
     */
    public String describe() {
        return shownValues.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    }

    /** The same as {@link #describe()} on one line; secrets masked. */
    @Override
    public String toString() {
        return "RunnerConfig" + shownValues;
    }
}
