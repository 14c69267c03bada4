package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.mapping.RecordItems;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.connector.SourceProbe;
import io.cdcrunner.config.KafkaSettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.RecordedPosition;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.state.StateStore;

/**
 * Change events from the Kafka topics a Connect Debezium connector writes, as one member of a consumer group that
 * shares them ({@code source.type=kafka}).
 *
 * <p>One thread owns the consumer: it polls a batch, hands it to the pipeline on a second thread, and keeps polling
 * (every partition paused) while the batch is processed, so retries never exceed {@code max.poll.interval.ms}. It
 * commits per partition only past finished events ({@link PartitionProgress}). Rebalancing is cooperative: a revoked
 * partition's events in progress get {@code kafka.revoke.timeout.ms} to finish before what finished is committed and
 * the rest abandoned (the new owner delivers it again, the ledger applying it once); a lost partition is dropped
 * without committing. A halt pauses only the failing partition: the member keeps it (and its poison event) and the
 * other partitions go on.
 */
public final class KafkaSource implements EventSource {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** A batch's end wakes the consumer up, so this only bounds how often a stuck batch's partitions are looked at. */
    private static final Duration POLL_WHILE_BUSY = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** The partition of an item that is no record (the announcement that the pipeline streams). */
    private static final TopicPartition NO_PARTITION = new TopicPartition("", -1);
    private static final long METRICS_EVERY_NANOS = 1_000_000_000L;

    private final RunnerConfig config;
    private final KafkaSettings kafka;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final PartitionProgress progress = new PartitionProgress();
    private final Set<TopicPartition> halted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Why each halted partition halted, for the pipeline's last error. */
    private final Map<TopicPartition, String> haltReasons = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean reachable;
    private long metricsReadAt;
    private volatile Thread pollThread;
    private volatile ExecutorService pipelineThread;
    private SourceConsumer pipeline;
    private ConnectRecords records;
    /** Set when the processor keeps a ledger, whose memory the topics' retention may exceed. */
    private LedgerCoverageWarning coverage;
    /** The batch the pipeline is processing, and its end; both null between batches. Poll thread only. */
    private PartitionProgress.Batch inFlight;
    private java.util.concurrent.CompletableFuture<Void> inFlightDone;
    private List<SourceItem> inFlightItems;
    /** Where each event of the batch in progress lies ({@code topic-partition@offset}), for its dead letter. */
    private volatile Map<ChangeEvent, String> origins = Map.of();

    public KafkaSource(RunnerConfig config) {
        this(config, KafkaConsumer::new);
    }

    /** With the consumer {@code consumers} makes from the consumer properties (tests pass a {@code MockConsumer}). */
    KafkaSource(RunnerConfig config, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this.config = config;
        this.kafka = config.kafka();
        this.consumers = consumers;
    }

    /** The consumer properties: the daemon's, then {@code kafka.client.*}, then those the guarantees rest on. */
    Map<String, Object> consumerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, config.pipelineName() + "-" + hostName() + "-"
                + ProcessHandle.current().pid());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.engine().maxBatchSize());
        // The connector creates a table's topic with its first change: a pattern subscription sees it within
        // seconds, not the default five minutes.
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        properties.putAll(kafka.client());
        // The commit rule and the rebalance handling below depend on these; kafka.client.* cannot change them.
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The default list starts with the eager assignor, which revokes every partition at every rebalance.
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }

    /**
     * The operations a Kafka source delivers of {@code configured}: the row changes. Table events are not: a
     * TRUNCATE has no key and lands on one partition, so nothing orders it against the rows of the others (a
     * family summary could be recomputed before it and deleted after), and DROP comes only on the connector's
     * schema-change topic, which is not consumed.
     */
    public static java.util.Set<Operation> rowOperations(java.util.Set<Operation> configured) {
        java.util.Set<Operation> rows = java.util.EnumSet.noneOf(Operation.class);
        configured.stream().filter(Operation::isRowChange).forEach(rows::add);
        return rows;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    /** The flavor of the database the connector reads (the processor and the read barrier talk to it). */
    @Override
    public ServerFlavor prepare(StateStore state) {
        java.util.Set<Operation> tableEvents = java.util.EnumSet.copyOf(config.source().operations());
        tableEvents.removeAll(rowOperations(config.source().operations()));
        if (!tableEvents.isEmpty()) {
            log.warn("source.type=kafka delivers no table events ({} in source.operations): a TRUNCATE lands on one"
                    + " partition, unordered against the rows of the others, and DROP is not in the change topics;"
                    + " list only insert, update and delete to silence this", tableEvents);
        }
        return flavor();
    }

    private ServerFlavor flavor() {
        return config.source().flavor().orElseGet(() ->
                new SourceProbe(config.source(), closeRequested).withConnection(FlavorDetector::detect));
    }

    @Override
    public synchronized void start(SourceConsumer consumer) {
        if (closeRequested.getCount() == 0) {
            throw new io.cdcrunner.core.PipelineStartException("stopped during start-up");
        }
        this.pipeline = consumer;
        this.coverage = consumer.keepsLedger() ? new LedgerCoverageWarning(kafka, config.pipelineName()) : null;
        this.records = new ConnectRecords(new RecordItems(new RecordMapper(), null,
                rowOperations(config.source().operations())));
        this.consumer = consumers.apply(consumerProperties());
        pipelineThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-pipeline-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        Thread thread = new Thread(this::run, "cdc-kafka-" + config.pipelineName());
        thread.setDaemon(true);
        pollThread = thread;
        thread.start();
    }

    private void run() {
        Throwable failure = null;
        try {
            subscribe();
            log.info("consuming {} as member of group '{}'", kafka.topics().isEmpty()
                    ? "the topics matching " + kafka.topicPattern() : kafka.topics(), kafka.groupId());
            announceStreaming();
            while (!stopping()) {
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    // A batch's end woke the consumer in a call other than poll: nothing to do but go on.
                    if (stopping()) {
                        throw e;
                    }
                }
            }
            finishInFlight(stopBudget());
        } catch (WakeupException e) {
            // close() woke the consumer up.
            finishInFlightQuietly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            if (stopping()) {
                // Interrupted or woken up by the stop (shutdownNow): the stop that was asked for, not a failure.
                log.debug("consumer stopped with {}", e.toString());
            } else {
                failure = e;
            }
        }
        if (failure != null) {
            // Said at once: the last commit and leaving the group below can take seconds.
            pipeline.failed(describe(failure));
        }
        // The consumer's close revokes what it owns: nothing is in flight any more (what did not finish comes again).
        inFlight = null;
        commitAtEnd();
        closeConsumer();
        pipeline.ended(failure == null ? null : describe(failure));
    }

    /** The last commit (a pending wake-up is consumed by {@link #commitSync}'s second try). */
    private void commitAtEnd() {
        try {
            commitSync(progress.toCommit());
        } catch (RuntimeException e) {
            log.warn("could not commit the finished offsets at the end ({}): those events come again", e.toString());
        }
    }

    private Throwable describe(Throwable failure) {
        if (failure instanceof KafkaException) {
            return new IllegalStateException("the Kafka consumer of group '" + kafka.groupId() + "' at "
                    + kafka.bootstrapServers() + " failed: " + failure.getMessage()
                    + " (check kafka.bootstrap.servers and the kafka.client.* security settings)", failure);
        }
        return failure;
    }

    private void subscribe() {
        ConsumerRebalanceListener listener = new Rebalances();
        if (kafka.topics().isEmpty()) {
            consumer.subscribe(Pattern.compile(kafka.topicPattern()), listener);
        } else {
            consumer.subscribe(kafka.topics(), listener);
        }
    }

    /**
     * The pipeline streams once the consumer has subscribed (the topics may not exist yet: the connector creates a
     * table's topic with its first change): a batch with nothing to process, which only says so.
     */
    private void announceStreaming() {
        dispatch(List.of(SourceItem.nothing(SourceItem.Phase.STREAM)), List.of(NO_PARTITION), new long[] {-1});
    }

    /** One poll: a new batch when none is in progress, else a poll with everything paused (membership, rebalances). */
    void pollOnce() throws InterruptedException {
        if (inFlight == null) {
            ConsumerRecords<byte[], byte[]> polled = poll(POLL);
            if (!polled.isEmpty()) {
                dispatch(polled);
            }
        } else {
            ConsumerRecords<byte[], byte[]> polled = poll(POLL_WHILE_BUSY);
            if (!polled.isEmpty()) {
                // Only a partition assigned without being paused can give records now: read it again later.
                polled.partitions().forEach(p -> consumer.seek(p, polled.records(p).get(0).offset()));
                consumer.pause(polled.partitions());
            }
            if (inFlightDone.isDone()) {
                afterBatch();
            }
        }
        updateLag();
    }

    /** A poll; the wake-up a batch's end gives (see {@link #dispatch}) returns nothing, a stop's is thrown. */
    private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (WakeupException e) {
            if (stopping()) {
                throw e;
            }
            return ConsumerRecords.empty();
        }
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> polled) {
        List<SourceItem> items = new ArrayList<>(polled.count());
        List<TopicPartition> partitions = new ArrayList<>(polled.count());
        long[] offsets = new long[polled.count()];
        for (TopicPartition partition : polled.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                offsets[items.size()] = record.offset();
                items.add(records.item(record));
                partitions.add(partition);
            }
        }
        dispatch(items, partitions, offsets);
    }

    private void dispatch(List<SourceItem> items, List<TopicPartition> partitions, long[] offsets) {
        PartitionProgress.Batch batch = new PartitionProgress.Batch(partitions, offsets);
        Map<ChangeEvent, String> where = new java.util.IdentityHashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            String at = partitions.get(i) + "@" + offsets[i];
            SourceItem item = items.get(i);
            item.events().forEach(event -> where.put(event, at));
            if (item.unmappable() != null && item.unmappable().described() != null) {
                where.put(item.unmappable().described(), at);
            }
        }
        origins = where;
        inFlight = batch;
        inFlightItems = items;
        consumer.pause(consumer.assignment());
        java.util.concurrent.CompletableFuture<Void> done = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                pipeline.accept(new SourceBatch() {
                    @Override
                    public List<SourceItem> items() {
                        return items;
                    }

                    @Override
                    public void finished(int upTo) {
                        progress.finished(batch, upTo);
                    }
                });
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CompletionException(e);
            }
        }, pipelineThread);
        inFlightDone = done;
        // Once done (and seen so): the consumer thread waits in poll, and takes the next batch at once.
        done.whenComplete((result, error) -> consumer.wakeup());
    }

    /** The batch ended: finished, halted, or failed. Commits what finished and reads the rest again. */
    private void afterBatch() throws InterruptedException {
        PartitionProgress.Batch batch = inFlight;
        Throwable failure = null;
        try {
            inFlightDone.get();
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e.getCause();
        }
        if (failure instanceof ProcessingHaltedException halt) {
            haltPartition(batch, halt);
        } else if (failure instanceof Error error) {
            throw error;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure != null) {
            // Interrupted: the pipeline is being stopped; what finished is committed, the rest comes again.
            log.debug("the batch ended with {}", failure.toString());
        }
        // Records not finished (a halt, or a stop) are read again from the first of each partition.
        progress.unfinished(batch).forEach(consumer::seek);
        inFlight = null;
        inFlightDone = null;
        inFlightItems = null;
        commitAsync(progress.toCommit());
        Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
        resume.removeAll(halted);
        consumer.resume(resume);
    }

    /** The halted item's partition stays paused (its poison event with it); the other partitions go on. */
    private void haltPartition(PartitionProgress.Batch batch, ProcessingHaltedException halt) {
        int index = haltedIndex(batch, halt.event());
        if (index < 0 || !consumer.assignment().contains(batch.partition(index))) {
            // Taken away during the batch: its new owner meets the event (and halts there, if it fails again).
            log.warn("an event halted on a partition no longer owned here ({}); its new owner delivers it again",
                    halt.getMessage());
            return;
        }
        TopicPartition partition = batch.partition(index);
        halted.add(partition);
        haltReasons.put(partition, "partition " + partition + " halted at offset " + batch.offset(index) + ": "
                + halt.getMessage());
        consumer.pause(List.of(partition));
        log.error("partition {} halted at offset {} ({}): {}. The other partitions go on; this one stays paused"
                        + " with this member until the cause is fixed and the daemon restarted (or"
                        + " processor.on.failure=dead-letter)", partition, batch.offset(index),
                halt.event() == null ? "an unmappable record" : halt.event(), halt.getMessage());
    }

    private int haltedIndex(PartitionProgress.Batch batch, ChangeEvent event) {
        if (event != null) {
            for (int i = 0; i < inFlightItems.size(); i++) {
                for (ChangeEvent e : inFlightItems.get(i).events()) {
                    if (e == event) {
                        return i;
                    }
                }
            }
        }
        // An unmappable record (no event) halts as the first item not reported finished.
        int first = progress.firstUnreported(batch);
        return first < batch.size() ? first : -1;
    }

    /** At a stop: the batch in progress gets the shutdown timeout; what finishes by then is committed. */
    private void finishInFlight(Duration timeout) throws InterruptedException {
        if (inFlightDone == null) {
            return;
        }
        try {
            inFlightDone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            log.debug("the last batch ended with {}", e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("the batch in progress did not finish within {} ms; its unfinished events come again",
                    timeout.toMillis());
        }
    }

    /**
     * How long a stop lets the batch in progress run: the shutdown timeout less what the last commit and leaving the
     * group may take, so they happen before the pipeline gives up waiting.
     */
    private Duration stopBudget() {
        return Duration.ofMillis(Math.max(1_000, config.shutdownTimeout().toMillis() - COMMIT_TIMEOUT.toMillis()
                - CLOSE_TIMEOUT.toMillis() - 1_000));
    }

    private void finishInFlightQuietly() {
        try {
            finishInFlight(stopBudget());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error == null) {
                progress.committed(committed);
            } else {
                log.debug("offset commit failed ({}); the next one covers it", error.toString());
            }
        });
    }

    /** Commits and waits; a wake-up (a batch's end, a stop) met on the way is consumed by a second try. */
    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty() || consumer == null) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        }
        progress.committed(offsets);
    }

    private void updateLag() {
        for (TopicPartition partition : progress.owned()) {
            try {
                consumer.currentLag(partition).ifPresent(l -> lag.put(partition, l));
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                // Unknown lag asks the broker for the end offset with a zero timeout, which throws a
                // TimeoutException while no broker answers (a broker restart): the lag stays unknown this time.
                log.debug("lag of {} unknown: {}", partition, e.toString());
            }
        }
        lag.keySet().retainAll(progress.owned());
        long now = System.nanoTime();
        if (now - metricsReadAt >= METRICS_EVERY_NANOS) {
            metricsReadAt = now;
            reachable = consumer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("connection-count")
                            && e.getKey().group().equals("consumer-metrics"))
                    .anyMatch(e -> e.getValue().metricValue() instanceof Double count && count > 0);
        }
    }

    /** Called by the consumer inside {@code poll}, on the poll thread. */
    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            progress.assigned(partitions);
            if (inFlight != null) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                log.info("assigned {}; now {} partition(s)", partitions, progress.owned().size());
                if (coverage != null) {
                    coverage.assigned(partitions);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            awaitRevokedEvents(partitions);
            try {
                commitSync(progress.toCommit(partitions));
            } catch (RuntimeException e) {
                log.warn("could not commit the finished offsets of revoked {} ({}): their new owner delivers those"
                        + " events again", partitions, e.toString());
            }
            progress.forget(partitions);
            halted.removeAll(partitions);
            partitions.forEach(haltReasons::remove);
            log.info("revoked {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another member may own them already: committing could move its position. Nothing is committed.
            progress.forget(partitions);
            halted.removeAll(partitions);
            partitions.forEach(haltReasons::remove);
            log.warn("lost {} (this member was out of the group): their events in progress are not committed here",
                    partitions);
        }

        private void awaitRevokedEvents(Collection<TopicPartition> partitions) {
            if (inFlight == null || !progress.holdsUnfinished(inFlight, partitions)) {
                return;
            }
            long deadline = System.nanoTime() + kafka.revokeTimeout().toNanos();
            while (progress.holdsUnfinished(inFlight, partitions) && !inFlightDone.isDone()
                    && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (progress.holdsUnfinished(inFlight, partitions)) {
                log.warn("revoked {} with events still in progress after {} ms: they are abandoned here and"
                        + " delivered again by the new owner", partitions, kafka.revokeTimeout().toMillis());
            }
        }
    }

    private boolean stopping() {
        return closeRequested.getCount() == 0 || Thread.currentThread().isInterrupted();
    }

    /** Kafka sources record no binlog position: the ledger is pruned by age ({@code kafka.ledger.retention.ms}). */
    @Override
    public Optional<RecordedPosition> recordedPosition() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> ledgerRetention() {
        return Optional.of(kafka.ledgerRetention());
    }

    @Override
    public String origin(ChangeEvent event) {
        return origins.get(event);
    }

    /**
     * Whether the consumer holds a connection to a broker (read once a second from its metrics), the records of the
     * owned partitions not yet read, the halts holding partitions, and each owned partition with its lag.
     */
    @Override
    public SourceStatus status() {
        long backlog = lag.values().stream().mapToLong(l -> Math.max(0, l)).sum();
        Optional<String> problem = haltReasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ",
                new java.util.TreeMap<>(haltReasons.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        e -> e.getKey().toString(), Map.Entry::getValue))).values())
                + " (the other partitions go on; restart after the fix)");
        List<String> partitions = partitionStates().stream().map(p -> p.topic() + "-" + p.partition() + " lag "
                + p.lag() + (p.halted() ? " HALTED" : "")).toList();
        return new SourceStatus(Optional.of(reachable), Optional.of(backlog), problem, partitions);
    }

    /** The owned partitions with their lag (records behind the end) and whether a halt holds them. */
    public List<PartitionState> partitionStates() {
        List<PartitionState> states = new ArrayList<>();
        for (TopicPartition partition : progress.owned()) {
            states.add(new PartitionState(partition.topic(), partition.partition(), lag.getOrDefault(partition, -1L),
                    halted.contains(partition)));
        }
        states.sort(java.util.Comparator.comparing(PartitionState::topic).thenComparing(PartitionState::partition));
        return states;
    }

    /** An owned partition: its records not yet read ({@code -1} until known), and whether a halt pauses it. */
    public record PartitionState(String topic, int partition, long lag, boolean halted) {
    }

    @Override
    public void close() {
        closeRequested.countDown();
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void shutdownNow() {
        close();
        if (pipelineThread != null) {
            pipelineThread.shutdownNow();
        }
        Thread thread = pollThread;
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            log.debug("consumer close: {}", e.toString());
        }
        if (pipelineThread != null) {
            pipelineThread.shutdownNow();
        }
        if (coverage != null) {
            coverage.close();
        }
    }
}
