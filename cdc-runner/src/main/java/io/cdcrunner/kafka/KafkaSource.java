package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.connector.SourceProbe;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.RecordedPosition;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.state.StateStore;

/**
 * Change events from the Kafka topics a Connect Debezium connector writes, as one member of a consumer group that
 * shares them ({@code source.type=kafka}).
 *
 * <p>One thread owns the consumer ({@link PollLoop}): it polls a batch, hands it to the pipeline on a second thread
 * ({@link BatchInFlight}), and keeps polling (every partition paused) while the batch is processed, so retries never
 * exceed {@code max.poll.interval.ms}. It commits per partition only past finished events ({@link PartitionProgress},
 * {@link OffsetCommits}). Rebalancing is cooperative ({@link Rebalances}): a revoked partition's events in progress
 * get {@code kafka.revoke.timeout.ms} to finish before what finished is committed and the rest abandoned (the new
 * owner delivers it again, the ledger applying it once); a lost partition is dropped without committing. A halt
 * pauses only the failing partition ({@link PartitionHalts}): the member keeps it (and its poison event) and the
 * other partitions go on. {@link PartitionLag} follows each partition's lag and the broker connection.
 */
public final class KafkaSource implements EventSource {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);

    private final RunnerConfig config;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final PartitionProgress progress = new PartitionProgress();
    private final PartitionHalts halts = new PartitionHalts();
    private final PartitionLag lag = new PartitionLag();
    /** Null until started. */
    private volatile PollLoop loop;

    public KafkaSource(RunnerConfig config) {
        this(config, KafkaConsumer::new);
    }

    /** With the consumer {@code consumers} makes from the consumer properties (tests pass a {@code MockConsumer}). */
    KafkaSource(RunnerConfig config, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this.config = config;
        this.consumers = consumers;
    }

    /**
     * The operations a Kafka source delivers of {@code configured}: the row changes. Table events are not: a
     * TRUNCATE has no key and lands on one partition, so nothing orders it against the rows of the others (a
     * family summary could be recomputed before it and deleted after), and DROP comes only on the connector's
     * schema-change topic, which is not consumed.
     */
    public static Set<Operation> rowOperations(Set<Operation> configured) {
        Set<Operation> rows = EnumSet.noneOf(Operation.class);
        configured.stream().filter(Operation::isRowChange).forEach(rows::add);
        return rows;
    }

    /** The flavor of the database the connector reads (the processor and the read barrier talk to it). */
    @Override
    public ServerFlavor prepare(Supplier<StateStore> state) {
        Set<Operation> tableEvents = EnumSet.copyOf(config.source().operations());
        tableEvents.removeAll(rowOperations(config.source().operations()));
        if (!tableEvents.isEmpty()) {
            log.warn("source.type=kafka delivers no table events ({} in source.operations): a TRUNCATE lands on one"
                    + " partition, unordered against the rows of the others, and DROP is not in the change topics;"
                    + " list only insert, update and delete to silence this", tableEvents);
        }
        return FlavorDetector.resolve(config.source(),
                () -> new SourceProbe(config.source(), closeRequested).withConnection(FlavorDetector::detect));
    }

    @Override
    public synchronized void start(SourceConsumer consumer) {
        if (closeRequested.getCount() == 0) {
            throw new PipelineStartException("stopped during start-up");
        }
        PollLoop started = new PollLoop(config, consumers.apply(ConsumerProperties.of(config)), consumer, progress,
                halts, lag, closeRequested);
        loop = started;
        started.start();
    }

    /** Kafka sources record no binlog position: the ledger is pruned by age ({@code kafka.ledger.retention.ms}). */
    @Override
    public Optional<RecordedPosition> recordedPosition() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> ledgerRetention() {
        return Optional.of(config.kafka().ledgerRetention());
    }

    @Override
    public String origin(ChangeEvent event) {
        PollLoop current = loop;
        return current == null ? null : current.origin(event);
    }

    /**
     * Whether the consumer holds a connection to a broker (read once a second from its metrics), the records of the
     * owned partitions not yet read, the halts holding partitions, and each owned partition with its lag.
     */
    @Override
    public SourceStatus status() {
        List<String> partitions = partitionStates().stream().map(p -> p.topic() + "-" + p.partition() + " lag "
                + p.lag() + (p.halted() ? " HALTED" : "")).toList();
        return new SourceStatus(Optional.of(lag.reachable()), Optional.of(lag.backlog()), halts.problem(), partitions);
    }

    /** The owned partitions with their lag (records behind the end) and whether a halt holds them. */
    public List<PartitionState> partitionStates() {
        List<PartitionState> states = new ArrayList<>();
        for (TopicPartition partition : progress.owned()) {
            states.add(new PartitionState(partition.topic(), partition.partition(), lag.of(partition),
                    halts.holds(partition)));
        }
        states.sort(Comparator.comparing(PartitionState::topic).thenComparing(PartitionState::partition));
        return states;
    }

    /** An owned partition: its records not yet read ({@code -1} until known), and whether a halt pauses it. */
    public record PartitionState(String topic, int partition, long lag, boolean halted) {
    }

    @Override
    public void close() {
        closeRequested.countDown();
        PollLoop current = loop;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void shutdownNow() {
        close();
        PollLoop current = loop;
        if (current != null) {
            current.interrupt();
        }
    }
}
