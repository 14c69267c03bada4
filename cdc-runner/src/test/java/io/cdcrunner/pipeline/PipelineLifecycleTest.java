package io.cdcrunner.pipeline;

import static io.cdcrunner.testkit.TestEvents.ids;
import static io.cdcrunner.testkit.TestEvents.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.cdcrunner.testkit.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.testkit.NoDatabaseConfig;
import io.cdcrunner.testkit.ScriptedEventSource;
import io.cdcrunner.testkit.ScriptedProcessor;

/** The lifecycle of one term over a scripted source: no database, no engine. */
@UnitTest
class PipelineLifecycleTest {

    private static final Duration SOON = Duration.ofSeconds(2);

    @TempDir
    Path stateDir;

    private String name;
    private ScriptedEventSource source;
    private ScriptedProcessor.Script processor;
    private Pipeline pipeline;

    @BeforeEach
    void names(TestInfo test) {
        name = "life-" + test.getTestMethod().orElseThrow().getName();
        source = new ScriptedEventSource();
        processor = ScriptedProcessor.script(name);
    }

    @AfterEach
    void cleanUp() {
        processor.letGo();
        if (pipeline != null) {
            pipeline.close();
        }
        ScriptedProcessor.forget(name);
    }

    private Pipeline pipeline(String... overrides) {
        RunnerConfig config = NoDatabaseConfig.of(name, stateDir, overrides);
        pipeline = new Pipeline(config, () -> source, ProcessedListener.NONE);
        return pipeline;
    }

    @Test
    void theFirstStreamedBatchMovesAStartingPipelineToStreamingAndEventsReachTheProcessorInOrder() throws Exception {
        pipeline().start();
        assertThat(pipeline.state()).isEqualTo(PipelineState.STARTING);

        source.stream(insert(1), insert(2), insert(3)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        source.stream(insert(4), insert(5)).get(2, TimeUnit.SECONDS);

        assertThat(ids(processor.processed())).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(ids(source.finished())).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void snapshotReadsMoveToSnapshottingAndTheFirstStreamedChangeToStreaming() throws Exception {
        pipeline().start();

        source.snapshot(insert(1), insert(2)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.SNAPSHOTTING);
        source.stream(insert(3)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        assertThat(ids(processor.processed())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void closeStopsTheSourceAndClosesTheProcessor() throws Exception {
        pipeline().start();
        source.stream(insert(1), insert(2)).get(2, TimeUnit.SECONDS);

        pipeline.close();

        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(pipeline.failure()).isEmpty();
        assertThat(source.closeCalls()).isPositive();
        assertThat(processor.closes()).isEqualTo(1);
        assertThat(ids(source.finished())).containsExactly(1L, 2L);
        pipeline.close();
        assertThat(pipeline.state()).as("close is idempotent").isEqualTo(PipelineState.STOPPED);
    }

    @Test
    void aCloseThatAbandonsAnEventInProgressRecordsThePositionOnlyForTheFinishedOnes() throws Exception {
        pipeline("shutdown.timeout.ms", "200").start();
        processor.hold(3);
        CompletableFuture<Void> batch = source.stream(insert(1), insert(2), insert(3), insert(4));
        assertThat(processor.awaitHolding()).isTrue();

        pipeline.close();
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        processor.letGo();
        await().atMost(SOON).until(batch::isDone);

        assertThat(ids(source.finished())).as("3 and 4 are delivered again after a restart").containsExactly(1L, 2L);
        assertThat(ids(processor.processed())).doesNotContain(4L);
    }

    @Test
    void aSourceFailureFailsThePipelineAndALaterCloseKeepsItFailed() throws Exception {
        pipeline().start();
        source.stream(insert(1)).get(2, TimeUnit.SECONDS);

        source.fail(new IllegalStateException("the binlog file binlog.000001 was purged"));
        await().atMost(SOON).until(() -> pipeline.state() == PipelineState.FAILED);
        assertThat(pipeline.awaitTermination(SOON)).isTrue();
        pipeline.close();

        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage)
                .isEqualTo("the binlog file binlog.000001 was purged");
        assertThat(processor.closes()).isEqualTo(1);
    }

    @Test
    void aFailureReportedAfterTheCloseLeavesThePipelineStopped() throws Exception {
        pipeline().start();
        source.stream(insert(1)).get(2, TimeUnit.SECONDS);
        pipeline.close();

        source.fail(new IllegalStateException("the engine noticed its connection closed"));

        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
    }

    @Test
    void aSourceThatEndsCleanlyStopsThePipeline() throws Exception {
        pipeline().start();
        source.stream(insert(1)).get(2, TimeUnit.SECONDS);

        source.end(null);

        assertThat(pipeline.awaitTermination(SOON)).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(processor.closes()).isEqualTo(1);
    }

    @Test
    void aCloseWhilePrepareWaitsForTheServerStopsWithNothingLeftRunning() throws Exception {
        source.blockPrepare();
        pipeline();
        CompletableFuture<Void> start = CompletableFuture.runAsync(pipeline::start);
        assertThat(source.awaitPrepareEntered()).isTrue();

        pipeline.close();

        assertThatThrownBy(() -> start.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PipelineStartException.class);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(pipeline.failure()).isEmpty();
        assertThat(source.isStarted()).isFalse();
        assertThat(source.shutdownNowCalls()).isPositive();
        assertThat(source.threadEnded()).isTrue();
        assertThat(processor.opens()).as("the processor was never opened").isZero();
    }

    @Test
    void aSourceThatCannotBePreparedFailsTheStartWithItsMessage() {
        source.failPrepare("binlog_format is STATEMENT; set binlog_format=ROW in my.cnf and restart");

        assertThatThrownBy(pipeline()::start).isInstanceOf(PipelineStartException.class)
                .hasMessage("binlog_format is STATEMENT; set binlog_format=ROW in my.cnf and restart");
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(source.isStarted()).isFalse();
        assertThat(processor.opens()).isZero();
    }

    @Test
    void aProcessorWhoseOpenThrowsFailsThePipelineWithItsMessageAndTheSourceNeverStarts() {
        processor.failOpen("cannot reach the warehouse");

        assertThatThrownBy(pipeline()::start).isInstanceOf(PipelineStartException.class)
                .hasMessageContaining("cannot reach the warehouse");
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage).asString()
                .contains(ScriptedProcessor.class.getName(), "failed to open", "cannot reach the warehouse");
        assertThat(source.isStarted()).isFalse();
        assertThat(source.shutdownNowCalls()).isPositive();
        pipeline.close();
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
    }

    @Test
    void aProcessorFailureInHaltModeFailsThePipelineAndRecordsNothingFromTheRefusedEventOn() throws Exception {
        processor.refuse(2);
        pipeline("processor.on.failure", "halt", "processor.retry.max.attempts", "1").start();

        source.stream(insert(1), insert(2), insert(3));

        await().atMost(SOON).until(() -> pipeline.state() == PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage).asString().contains("refusing row 2");
        assertThat(ids(processor.processed())).containsExactly(1L);
        assertThat(ids(source.finished())).containsExactly(1L);
    }
}
