package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.binlog.TestRecords;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceBatch;
import io.cdcrunner.core.SourceConsumer;
import io.cdcrunner.core.SourceItem;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testkit.UnitTest;

/**
 * The consumer side of {@code source.type=kafka} against Kafka's {@link MockConsumer}: what is committed per
 * partition, what a rebalance, a lost partition and a halt do, and that the consumer keeps polling while a batch is
 * processed.
 */
@UnitTest
class KafkaSourceTest {

    private static final String TOPIC = "p.shop.orders";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    @TempDir
    Path temp;

    private final CapturingConsumer consumer = new CapturingConsumer();
    private final ScriptedPipeline pipeline = new ScriptedPipeline();
    private KafkaSource source;

    @BeforeEach
    void start() throws Exception {
        Path file = temp.resolve("kafka.properties");
        Files.writeString(file, String.join("\n", "pipeline.name=p", "source.host=127.0.0.1", "source.user=cdc",
                "source.flavor=mariadb", "source.type=kafka", "source.operations=insert",
                "kafka.bootstrap.servers=127.0.0.1:9", "kafka.topics=" + TOPIC, "kafka.revoke.timeout.ms=300",
                "deadletter.store=io.cdcrunner.deadletter.JdbcDeadLetterStore", "state.dir=" + temp.resolve("state")));
        RunnerConfig config = ConfigLoader.load(file, Map.of(), new Properties());
        source = new KafkaSource(config, properties -> consumer);
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
        source.start(pipeline);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.assignment().size() == 2);
    }

    @AfterEach
    void stop() {
        pipeline.actions.add(Action.FINISH_ALL);
        source.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.ended.getCount() == 0);
    }

    @Test
    void commitsEachPartitionOnlyPastFinishedEventsAndReadsTheRestAgain() throws Exception {
        add(records(P0, 0, 3, 100), records(P1, 0, 3, 200));
        pipeline.actions.add(Action.finishFirst(4));
        SourceBatch first = pipeline.batches.poll(10, TimeUnit.SECONDS);
        assertThat(first.items()).hasSize(6);
        // The batch returned with 4 of 6 finished (a stop, say): each partition is committed past its finished
        // records only, and read again from its first unfinished one.
        List<TopicPartition> partitions = partitionsOf(first);
        TopicPartition whole = partitions.get(0);
        TopicPartition split = partitions.get(5);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.commits.containsKey(split));
        assertThat(consumer.commits).containsEntry(whole, 3L).containsEntry(split, 1L);
        assertThat(consumer.position(split)).isEqualTo(1L);
        assertThat(consumer.position(whole)).isEqualTo(3L);
    }

    @Test
    void nothingIsCommittedWhileTheBatchIsInProgressAndPollingGoesOn() throws Exception {
        add(records(P0, 0, 2, 100));
        CountDownLatch release = new CountDownLatch(1);
        pipeline.actions.add(Action.blockUntil(release));
        pipeline.batches.poll(10, TimeUnit.SECONDS);
        int polls = consumer.polls.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.polls.get() >= polls + 10);
        assertThat(committed(P0)).isEqualTo(-1L);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> committed(P0) == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().isEmpty());
    }

    @Test
    void aHaltPausesOnlyItsPartitionAndTheOthersGoOn() throws Exception {
        add(records(P0, 0, 2, 100), records(P1, 0, 2, 200));
        pipeline.actions.add(Action.haltAtId(201));
        SourceBatch first = pipeline.batches.poll(10, TimeUnit.SECONDS);
        List<Integer> order = ids(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().equals(Set.of(P1)));
        // The halted partition waits before its event; the other one resumes where its finished records end.
        assertThat(consumer.position(P1)).isEqualTo(1L);
        long p0Finished = order.subList(0, order.indexOf(201)).stream().filter(id -> id < 200).count();
        assertThat(consumer.position(P0)).isEqualTo(p0Finished);
        add(records(P0, 2, 1, 102), records(P1, 2, 1, 202));
        pipeline.actions.add(Action.FINISH_ALL);
        SourceBatch next = pipeline.batches.poll(10, TimeUnit.SECONDS);
        assertThat(ids(next)).containsExactly(102);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.commits.getOrDefault(P0, -1L) == 3L);
        assertThat(consumer.commits.getOrDefault(P1, -1L)).as("the halted partition committed before its event")
                .isEqualTo(1L);
        assertThat(consumer.paused()).containsExactly(P1);
        assertThat(source.status().partitions()).anyMatch(p -> p.matches("p\\.shop\\.orders-1 lag -?\\d+ HALTED"))
                .noneMatch(p -> p.startsWith("p.shop.orders-0") && p.endsWith("HALTED"));
        assertThat(source.status().problem()).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("partition p.shop.orders-1 halted at offset 1: ").contains("poison"));
    }

    @Test
    void aRevokedPartitionCommitsWhatFinishedAndNothingAfter() throws Exception {
        add(records(P1, 0, 3, 200), records(P0, 0, 3, 100));
        CountDownLatch release = new CountDownLatch(1);
        pipeline.actions.add(Action.finishThenBlock(ids -> ids.indexOf(201) + 1, release));
        SourceBatch batch = pipeline.batches.poll(10, TimeUnit.SECONDS);
        List<Integer> order = ids(batch);
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.assignment().contains(P1));
        long p1 = committed(P1);
        assertThat(p1).as("partition 1 committed up to what finished before the revoke")
                .isEqualTo(order.subList(0, order.indexOf(201) + 1).stream().filter(id -> id >= 200).count());
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> committed(P0) == 3);
        assertThat(committed(P1)).as("nothing committed for a partition no longer owned").isEqualTo(p1);
    }

    @Test
    void aLagNoBrokerAnswersForDoesNotStopTheSource() throws Exception {
        // While no broker answers (a restart), asking for an unknown lag throws a TimeoutException.
        consumer.lagFails.set(true);
        add(records(P0, 0, 2, 100));
        pipeline.actions.add(Action.FINISH_ALL);
        assertThat(ids(pipeline.batches.poll(10, TimeUnit.SECONDS))).containsExactly(100, 101);
        add(records(P0, 2, 1, 102));
        pipeline.actions.add(Action.FINISH_ALL);
        assertThat(ids(pipeline.batches.poll(10, TimeUnit.SECONDS))).containsExactly(102);
        assertThat(pipeline.ended.getCount()).as("the source still runs").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> committed(P0) == 3);
    }

    @Test
    void aLostPartitionIsDroppedWithoutCommitting() throws Exception {
        add(records(P0, 0, 2, 100), records(P1, 0, 2, 200));
        CountDownLatch release = new CountDownLatch(1);
        pipeline.actions.add(Action.blockUntil(release));
        pipeline.batches.poll(10, TimeUnit.SECONDS);
        CountDownLatch lost = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            consumer.listener.get().onPartitionsLost(List.of(P1));
            lost.countDown();
        });
        assertThat(lost.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> committed(P0) == 2);
        assertThat(committed(P1)).isEqualTo(-1L);
    }

    /** The highest offset committed for the partition, -1 for none. */
    private long committed(TopicPartition partition) {
        return consumer.commits.getOrDefault(partition, -1L);
    }

    private static List<TopicPartition> partitionsOf(SourceBatch batch) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (SourceItem item : batch.items()) {
            item.events().forEach(e -> partitions.add(e.row().getLong("id") >= 200 ? P1 : P0));
        }
        return partitions;
    }

    /** Adds the records as one poll's worth: a poll sees all of them or none. */
    @SafeVarargs
    private void add(List<ConsumerRecord<byte[], byte[]>>... lists) {
        synchronized (consumer) {
            for (List<ConsumerRecord<byte[], byte[]>> records : lists) {
                records.forEach(consumer::addRecord);
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(TopicPartition partition, long firstOffset, int count,
                                                                int firstId) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SourceRecord record = TestRecords.insert(firstId + i, false);
            records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), firstOffset + i,
                    KEYS.fromConnectData(TOPIC, record.keySchema(), record.key()),
                    VALUES.fromConnectData(TOPIC, record.valueSchema(), record.value())));
        }
        return records;
    }

    private static final JsonConverter KEYS = io.cdcrunner.mapping.SourceRecordJson.converter(true);
    private static final JsonConverter VALUES = io.cdcrunner.mapping.SourceRecordJson.converter(false);

    private static List<Integer> ids(SourceBatch batch) {
        List<Integer> ids = new ArrayList<>();
        for (SourceItem item : batch.items()) {
            item.events().forEach(e -> ids.add(e.row().getLong("id").intValue()));
        }
        return ids;
    }

    /** What the pipeline does with the next batch. */
    interface Action {
        Action FINISH_ALL = batch -> batch.finished(batch.items().size());

        void apply(SourceBatch batch) throws InterruptedException;

        static Action finishFirst(int count) {
            return batch -> batch.finished(count);
        }

        static Action blockUntil(CountDownLatch release) {
            return batch -> {
                release.await();
                batch.finished(batch.items().size());
            };
        }

        static Action finishThenBlock(java.util.function.Function<List<Integer>, Integer> upTo, CountDownLatch release) {
            return batch -> {
                batch.finished(upTo.apply(ids(batch)));
                release.await();
                batch.finished(batch.items().size());
            };
        }

        /** Finishes the events before the one with {@code id}, then halts there, as the dispatcher does. */
        static Action haltAtId(int id) {
            return batch -> {
                int index = ids(batch).indexOf(id);
                ChangeEvent event = batch.items().get(index).events().get(0);
                batch.finished(index);
                throw new ProcessingHaltedException(event, new IllegalStateException("poison"));
            };
        }
    }

    /** Hands each batch to the test and applies the test's next action to it. */
    static final class ScriptedPipeline implements SourceConsumer {

        final BlockingQueue<SourceBatch> batches = new LinkedBlockingQueue<>();
        final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);
        private final PipelineCounters counters = new PipelineCounters();

        @Override
        public void accept(SourceBatch batch) throws InterruptedException {
            if (batch.items().stream().allMatch(item -> item.events().isEmpty())) {
                // The announcement that the source streams: nothing to process.
                batch.finished(batch.items().size());
                return;
            }
            batches.add(batch);
            actions.take().apply(batch);
        }

        @Override
        public void failed(Throwable reason) {
        }

        @Override
        public void ended(Throwable failure) {
            ended.countDown();
        }

        @Override
        public PipelineCounters counters() {
            return counters;
        }
    }

    /** Counts polls and keeps the rebalance listener, so a test can report partitions lost. */
    static final class CapturingConsumer extends MockConsumer<byte[], byte[]> {

        final AtomicInteger polls = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean lagFails = new java.util.concurrent.atomic.AtomicBoolean();
        /** The highest offset committed per partition (MockConsumer answers 0 for partitions it no longer has). */
        final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicReference<ConsumerRebalanceListener> listener = new AtomicReference<>();

        CapturingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void subscribe(Collection<String> topics, ConsumerRebalanceListener callback) {
            listener.set(callback);
            super.subscribe(topics, callback);
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
            offsets.forEach((partition, offset) -> commits.merge(partition, offset.offset(), Math::max));
            super.commitAsync(offsets, callback);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            offsets.forEach((partition, offset) -> commits.merge(partition, offset.offset(), Math::max));
            super.commitSync(offsets, timeout);
        }

        @Override
        public java.util.OptionalLong currentLag(TopicPartition partition) {
            if (lagFails.get()) {
                throw new org.apache.kafka.common.errors.TimeoutException("Failed to get offsets by times in 0ms");
            }
            return super.currentLag(partition);
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            polls.incrementAndGet();
            return super.poll(timeout);
        }
    }
}
