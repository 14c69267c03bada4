package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.testkit.UnitTest;

/** The barrier's amortization and failure handling, with a scripted wait instead of a server. */
@UnitTest
class ReadBarrierTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A wait that records what it was asked to wait for, optionally blocking or timing out. */
    private static final class ScriptedWait implements CatchUp {
        final List<List<ChangeEvent>> waits = new CopyOnWriteArrayList<>();
        volatile CountDownLatch release = new CountDownLatch(0);
        volatile boolean timeOut;
        boolean coversEarlier = true;
        /** How many pending events past the needed one the server shows after a wait; all by default. */
        volatile int showsAfterNeeded = Integer.MAX_VALUE;

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String description() {
            return "scripted";
        }

        @Override
        public boolean covers(ChangeEvent event) {
            return true;
        }

        @Override
        public boolean coversEarlier() {
            return coversEarlier;
        }

        @Override
        public int await(List<ChangeEvent> pending, int needed, Duration timeout, Connection connection)
                throws VisibilityTimeoutException {
            waits.add(pending.subList(needed, pending.size()));
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (timeOut) {
                throw new VisibilityTimeoutException("GTID 0-1-9 not applied within 5000 ms");
            }
            return (int) Math.min(pending.size(), (long) needed + 1 + showsAfterNeeded);
        }
    }

    private final ScriptedWait wait = new ScriptedWait();
    private final VisibilityMetrics metrics = new VisibilityMetrics();
    private final ReadBarrier barrier = new ReadBarrier(noDatabase(), "replica 10.0.0.7:3306", wait, TIMEOUT,
            metrics, System::nanoTime);

    private static DataSource noDatabase() {
        Connection connection = (Connection) Proxy.newProxyInstance(ReadBarrierTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> null);
        return (DataSource) Proxy.newProxyInstance(ReadBarrierTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> connection);
    }

    private static List<ChangeEvent> batch(long firstId, int size) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long id = firstId + i;
            events.add(Events.insert(id, 1000 + id * 100, "0-1-" + id));
        }
        return events;
    }

    @Test
    void waitsOncePerBatchForItsLastEventAndLetsTheOthersThrough() throws Exception {
        List<ChangeEvent> events = batch(1, 10);
        barrier.prepareBatch(events);
        for (ChangeEvent event : events) {
            barrier.ensureVisible(event);
        }
        assertThat(wait.waits).hasSize(1);
        assertThat(wait.waits.get(0)).last().isEqualTo(events.get(9));
        assertThat(metrics.waits()).isEqualTo(1);
        assertThat(metrics.eventsCovered()).isEqualTo(9);

        List<ChangeEvent> next = batch(11, 5);
        barrier.prepareBatch(next);
        for (ChangeEvent event : next) {
            barrier.ensureVisible(event);
        }
        assertThat(wait.waits).hasSize(2);
        assertThat(wait.waits.get(1)).last().isEqualTo(next.get(4));
    }

    @Test
    void oneWaitCoversAGroupEvenOnALaggingServer() throws Exception {
        // The server shows the needed event and nothing after it: event by event, ten events would cost ten waits.
        wait.showsAfterNeeded = 0;
        List<ChangeEvent> events = batch(1, 10);
        List<List<ChangeEvent>> processed = new CopyOnWriteArrayList<>();
        io.cdcrunner.processor.GroupProcessor groups = processed::add;
        io.cdcrunner.delivery.RetryingDelivery delivery = new io.cdcrunner.delivery.RetryingDelivery(
                new io.cdcrunner.delivery.EventDelivery(groups, noDatabase(), null), barrier,
                new io.cdcrunner.config.DeliverySettings(1, java.util.Optional.empty(), 1, Duration.ofMillis(1),
                        Duration.ofMillis(1), io.cdcrunner.config.DeliverySettings.FailureMode.HALT, "l.l"),
                (event, error, attempts, first, last) -> { }, new io.cdcrunner.delivery.DeliveryCounters(), () -> false);
        barrier.prepareBatch(events);

        assertThat(delivery.deliverGroup(events)).allSatisfy(result -> assertThat(result.finished()).isTrue());

        assertThat(wait.waits).singleElement().satisfies(pending -> assertThat(pending).last()
                .isEqualTo(events.get(9)));
        assertThat(metrics.waits()).isEqualTo(1);
        assertThat(processed).containsExactly(events);
    }

    @Test
    void onALaggingServerEventsPassAsFarAsTheServerHasAppliedInsteadOfWaitingForTheBatchEnd() throws Exception {
        wait.showsAfterNeeded = 3;
        List<ChangeEvent> events = batch(1, 10);
        barrier.prepareBatch(events);
        for (ChangeEvent event : events) {
            barrier.ensureVisible(event);
        }
        // Waits start at events 1, 5 and 9 (ids): each wait covers the needed event and the 3 applied after it.
        assertThat(wait.waits).extracting(pending -> pending.get(0)).containsExactly(events.get(0), events.get(4),
                events.get(8));
        assertThat(metrics.waits()).isEqualTo(3);
        assertThat(metrics.eventsCovered()).isEqualTo(7);
    }

    @Test
    void afterAResetAnEventAtAnEarlierPositionWaitsForItself() throws Exception {
        List<ChangeEvent> events = batch(1, 3);
        barrier.prepareBatch(events);
        barrier.ensureVisible(events.get(2));
        barrier.ensureVisible(events.get(0));
        assertThat(wait.waits).as("covered by the first wait").hasSize(1);
        barrier.reset();
        barrier.ensureVisible(events.get(0));
        assertThat(wait.waits).hasSize(2);
        assertThat(wait.waits.get(1)).containsExactly(events.get(0));
    }

    @Test
    void lanesArrivingTogetherShareOneWait() throws Exception {
        List<ChangeEvent> events = batch(1, 8);
        barrier.prepareBatch(events);
        wait.release = new CountDownLatch(1);
        ExecutorService lanes = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < 4; lane++) {
                int first = lane;
                running.add(lanes.submit(() -> {
                    for (int i = first; i < events.size(); i += 4) {
                        barrier.ensureVisible(events.get(i));
                    }
                    return null;
                }));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> wait.waits.size() == 1);
            wait.release.countDown();
            for (Future<?> future : running) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            lanes.shutdownNow();
        }
        assertThat(wait.waits).hasSize(1);
        assertThat(metrics.eventsCovered()).isEqualTo(7);
    }

    @Test
    void aTimeoutFailsTheEventWithAClearMessageAndTheRetryWaitsAgain() throws Exception {
        List<ChangeEvent> events = batch(1, 3);
        barrier.prepareBatch(events);
        wait.timeOut = true;
        assertThatThrownBy(() -> barrier.ensureVisible(events.get(0)))
                .isInstanceOf(VisibilityTimeoutException.class)
                .hasMessageContaining("replica 10.0.0.7:3306")
                .hasMessageContaining("0-1-9 not applied within 5000 ms")
                .hasMessageContaining("processor.read.visibility.timeout.ms");
        assertThat(metrics.timeouts()).isEqualTo(1);
        assertThat(metrics.waits()).isZero();

        wait.timeOut = false;
        barrier.ensureVisible(events.get(0));
        assertThat(wait.waits).hasSize(2);
        assertThat(metrics.waits()).isEqualTo(1);
    }

    @Test
    void anEventOutsideThePreparedBatchWaitsForItself() throws Exception {
        barrier.prepareBatch(batch(1, 3));
        ChangeEvent replayed = Events.insert(50, 9000, "0-1-50");
        barrier.ensureVisible(replayed);
        assertThat(wait.waits).containsExactly(List.of(replayed));
    }

    @Test
    void withoutCommitOrderEveryEventWaitsForItself() throws Exception {
        wait.coversEarlier = false;
        List<ChangeEvent> events = batch(1, 3);
        barrier.prepareBatch(events);
        for (ChangeEvent event : events) {
            barrier.ensureVisible(event);
        }
        assertThat(wait.waits).containsExactly(List.of(events.get(0)), List.of(events.get(1)), List.of(events.get(2)));
    }
}
