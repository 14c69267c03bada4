package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.KafkaSettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.mapping.RecordItems;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.processor.ChangeEvent;

/**
 * The thread that owns the consumer: it polls a batch, hands it to the pipeline on a second thread
 * ({@link BatchInFlight}), and keeps polling (every partition paused) while the batch is processed, so retries never
 * exceed {@code max.poll.interval.ms}. After the batch it commits what finished ({@link PartitionProgress}), reads
 * the rest again, and resumes every partition a halt does not hold ({@link PartitionHalts}).
 */
final class PollLoop {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** A batch's end wakes the consumer up, so this only bounds how often a stuck batch's partitions are looked at. */
    private static final Duration POLL_WHILE_BUSY = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** The partition of an item that is no record (the announcement that the pipeline streams). */
    private static final TopicPartition NO_PARTITION = new TopicPartition("", -1);

    private final RunnerConfig config;
    private final KafkaSettings kafka;
    private final Consumer<byte[], byte[]> consumer;
    private final SourceConsumer pipeline;
    private final PartitionProgress progress;
    private final PartitionHalts halts;
    private final PartitionLag lag;
    private final CountDownLatch closeRequested;
    private final OffsetCommits commits;
    private final ConnectRecords records;
    /** Null unless the processor keeps a ledger, whose memory the topics' retention may exceed. */
    private final LedgerCoverageWarning coverage;
    private final ExecutorService pipelineThread;
    private final Thread pollThread;
    /** The batch the pipeline is processing; null between batches. Poll thread only. */
    private BatchInFlight inFlight;
    /** Where each event of the last batch lies, for its dead letter. */
    private volatile Map<ChangeEvent, String> origins = Map.of();

    PollLoop(RunnerConfig config, Consumer<byte[], byte[]> consumer, SourceConsumer pipeline, PartitionProgress progress,
             PartitionHalts halts, PartitionLag lag, CountDownLatch closeRequested) {
        this.config = config;
        this.kafka = config.kafka();
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.progress = progress;
        this.halts = halts;
        this.lag = lag;
        this.closeRequested = closeRequested;
        this.commits = new OffsetCommits(consumer, progress);
        this.records = new ConnectRecords(new RecordItems(new RecordMapper(), null,
                KafkaSource.rowOperations(config.source().operations())));
        this.coverage = pipeline.keepsLedger() ? new LedgerCoverageWarning(kafka, config.pipelineName()) : null;
        this.pipelineThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-pipeline-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        this.pollThread = new Thread(this::run, "cdc-kafka-" + config.pipelineName());
        pollThread.setDaemon(true);
    }

    void start() {
        pollThread.start();
    }

    String origin(ChangeEvent event) {
        return origins.get(event);
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
            finishInFlight();
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

    private void subscribe() {
        Rebalances listener = new Rebalances(consumer, progress, halts, commits, () -> inFlight, kafka.revokeTimeout(),
                coverage);
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
        dispatch(new BatchInFlight(List.of(SourceItem.nothing(SourceItem.Phase.STREAM)), List.of(NO_PARTITION),
                new long[] {-1}, progress));
    }

    /** One poll: a new batch when none is in progress, else a poll with everything paused (membership, rebalances). */
    private void pollOnce() throws InterruptedException {
        if (inFlight == null) {
            ConsumerRecords<byte[], byte[]> polled = poll(POLL);
            if (!polled.isEmpty()) {
                dispatch(BatchInFlight.of(polled, records, progress));
            }
        } else {
            ConsumerRecords<byte[], byte[]> polled = poll(POLL_WHILE_BUSY);
            if (!polled.isEmpty()) {
                // Only a partition assigned without being paused can give records now: read it again later.
                polled.partitions().forEach(p -> consumer.seek(p, polled.records(p).get(0).offset()));
                consumer.pause(polled.partitions());
            }
            if (inFlight.isDone()) {
                afterBatch();
            }
        }
        lag.update(consumer, progress.owned());
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

    private void dispatch(BatchInFlight batch) {
        origins = batch.origins();
        inFlight = batch;
        consumer.pause(consumer.assignment());
        // Once done (and seen so): the consumer thread waits in poll, and takes the next batch at once.
        batch.start(pipeline, pipelineThread, consumer::wakeup);
    }

    /** The batch ended: finished, halted, or failed. Commits what finished and reads the rest again. */
    private void afterBatch() throws InterruptedException {
        BatchInFlight batch = inFlight;
        Throwable failure = batch.failure();
        if (failure instanceof ProcessingHaltedException halt) {
            halts.halt(batch, halt, consumer);
        } else if (failure instanceof Error error) {
            throw error;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure != null) {
            // Interrupted: the pipeline is being stopped; what finished is committed, the rest comes again.
            log.debug("the batch ended with {}", failure.toString());
        }
        // Records not finished (a halt, or a stop) are read again from the first of each partition.
        batch.unfinished().forEach(consumer::seek);
        inFlight = null;
        commits.commitAsync(progress.toCommit());
        Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
        resume.removeAll(halts.halted());
        consumer.resume(resume);
    }

    /** At a stop: the batch in progress gets the shutdown timeout; what finishes by then is committed. */
    private void finishInFlight() throws InterruptedException {
        Duration budget = stopBudget();
        if (inFlight != null && !inFlight.awaitEnd(budget)) {
            log.warn("the batch in progress did not finish within {} ms; its unfinished events come again",
                    budget.toMillis());
        }
    }

    /**
     * How long a stop lets the batch in progress run: the shutdown timeout less what the last commit and leaving the
     * group may take, so they happen before the pipeline gives up waiting.
     */
    private Duration stopBudget() {
        return Duration.ofMillis(Math.max(1_000, config.shutdownTimeout().toMillis()
                - OffsetCommits.COMMIT_TIMEOUT.toMillis() - CLOSE_TIMEOUT.toMillis() - 1_000));
    }

    private void finishInFlightQuietly() {
        try {
            finishInFlight();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last commit (a pending wake-up is consumed by {@link OffsetCommits#commitSync}'s second try). */
    private void commitAtEnd() {
        try {
            commits.commitSync(progress.toCommit());
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

    private boolean stopping() {
        return closeRequested.getCount() == 0 || Thread.currentThread().isInterrupted();
    }

    /** Ends a poll in progress: the loop sees the stop asked for. */
    void wakeup() {
        consumer.wakeup();
    }

    /** Interrupts the pipeline's thread and the poll thread. */
    void interrupt() {
        pipelineThread.shutdownNow();
        if (pollThread != Thread.currentThread()) {
            pollThread.interrupt();
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            log.debug("consumer close: {}", e.toString());
        }
        pipelineThread.shutdownNow();
        if (coverage != null) {
            coverage.close();
        }
    }
}
