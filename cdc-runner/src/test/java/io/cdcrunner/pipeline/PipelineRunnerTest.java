package io.cdcrunner.pipeline;

import static io.cdcrunner.testkit.TestEvents.ids;
import static io.cdcrunner.testkit.TestEvents.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.cdcrunner.testkit.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.core.SourceStatus;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.pipeline.PipelineRunner.Outcome;
import io.cdcrunner.testkit.FakeLease;
import io.cdcrunner.testkit.NoDatabaseConfig;
import io.cdcrunner.testkit.ScriptedEventSource;
import io.cdcrunner.testkit.ScriptedProcessor;
import io.cdcrunner.testkit.ScriptedSources;

/** The runner's decisions under a lease (take it, run a term, step down, give it up), with a fake lease. */
@UnitTest
class PipelineRunnerTest {

    private static final Duration SOON = Duration.ofSeconds(2);

    @TempDir
    Path stateDir;

    private String name;
    private final ScriptedSources sources = new ScriptedSources();
    private ScriptedProcessor.Script processor;
    private PipelineRunner runner;
    private CompletableFuture<Outcome> outcome;

    @BeforeEach
    void names(TestInfo test) {
        name = "run-" + test.getTestMethod().orElseThrow().getName().substring(0, 20);
        processor = ScriptedProcessor.script(name);
    }

    @AfterEach
    void cleanUp() {
        if (runner != null) {
            runner.close();
        }
        ScriptedProcessor.forget(name);
    }

    /** Runs the runner on a thread of its own, one of several instances unless {@code config} says otherwise. */
    private Pipeline run(FakeLease lease, RunnerConfig config) {
        Pipeline pipeline = new Pipeline(config, sources, ProcessedListener.NONE);
        runner = new PipelineRunner(config, pipeline, lease);
        outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        return pipeline;
    }

    private Pipeline runOneOfSeveral(FakeLease lease, String... overrides) {
        return run(lease, NoDatabaseConfig.ofSeveral(name, stateDir, overrides));
    }

    private ScriptedEventSource awaitTermStarted(int term) {
        await().atMost(SOON).until(() -> sources.made().size() >= term && sources.term(term).isStarted());
        return sources.term(term);
    }

    private Outcome outcome() throws Exception {
        return outcome.get(2, TimeUnit.SECONDS);
    }

    @Test
    void aSoleInstanceRunsOneTermAndReturnsStoppedOnClose() throws Exception {
        FakeLease lease = FakeLease.alone();
        Pipeline pipeline = run(lease, NoDatabaseConfig.of(name, stateDir));
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);

        runner.close();

        assertThat(outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(sources.made()).hasSize(1);
        assertThat(sources.term(1).closeCalls()).isPositive();
        assertThat(lease.acquired()).isEqualTo(1);
        assertThat(ids(processor.processed())).containsExactly(1L);
    }

    @Test
    void aSoleInstanceWhoseSourceEndsReturnsStoppedWithoutAnotherTerm() throws Exception {
        FakeLease lease = FakeLease.alone();
        Pipeline pipeline = run(lease, NoDatabaseConfig.of(name, stateDir));

        awaitTermStarted(1).end(null);

        assertThat(outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(lease.acquireCalls()).isEqualTo(1);
    }

    @Test
    void oneOfSeveralStandsByUntilItIsGrantedTheLeaseThenRunsATerm() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        Pipeline pipeline = runOneOfSeveral(lease);
        await().atMost(SOON).until(lease::waiting);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STANDBY);
        assertThat(sources.made()).as("no term without the lease").isEmpty();

        lease.grant();
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        runner.close();

        assertThat(outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(lease.releases()).isPositive();
        assertThat(ids(processor.processed())).containsExactly(1L);
    }

    @Test
    void aLostLeaseStepsDownToStandbyAndTheNextGrantRunsANewTermOnANewSource() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);

        lease.lose();

        await().atMost(SOON).until(() -> lease.waiting() && pipeline.state() == PipelineState.STANDBY);
        assertThat(lease.retires()).as("the term's writes are refused before it stops").isEqualTo(1);
        assertThat(lease.releases()).isPositive();
        assertThat(sources.term(1).closeCalls()).isPositive();
        assertThat(processor.closes()).isEqualTo(1);
        assertThat(pipeline.failure()).isEmpty();

        lease.grant();
        awaitTermStarted(2).stream(insert(2)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        assertThat(sources.made()).hasSize(2);
        assertThat(ids(processor.processed())).containsExactly(1L, 2L);
        assertThat(processor.opens()).isEqualTo(2);
    }

    @Test
    void aTermSteppedDownFromThatReportsLateLeavesTheNextTermAlone() throws Exception {
        // The old term's engine does not stop within shutdown.timeout.ms (its transaction hangs on a lost server):
        // its end and its failure arrive while the next term runs, and must not stop or fail that one.
        sources.queue(new ScriptedEventSource().ignoreClose());
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);

        lease.lose();
        await().atMost(Duration.ofSeconds(5)).until(() -> lease.waiting() && pipeline.state() == PipelineState.STANDBY);
        lease.grant();
        awaitTermStarted(2).stream(insert(2)).get(2, TimeUnit.SECONDS);

        sources.term(1).failWithoutEnding(new IllegalStateException("late failure of the first term"));
        sources.term(1).end(new IllegalStateException("late end of the first term"));

        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
        assertThat(pipeline.failure()).isEmpty();
        awaitTermStarted(2).stream(insert(3)).get(2, TimeUnit.SECONDS);
        assertThat(ids(processor.processed())).containsExactly(1L, 2L, 3L);
        assertThat(outcome).isNotDone();
    }

    @Test
    void aFencedWriteStepsDownToStandby() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);

        lease.fence();

        await().atMost(SOON).until(() -> lease.waiting() && pipeline.state() == PipelineState.STANDBY);
        assertThat(lease.retires()).isEqualTo(1);
        assertThat(sources.term(1).closeCalls()).isPositive();
        assertThat(pipeline.failure()).isEmpty();
        assertThat(outcome).isNotDone();
    }

    @Test
    void aRefusedLeaseIsABadConfiguration() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.refuse("the state tables are not on the lease's server");
        Pipeline pipeline = runOneOfSeveral(lease);

        assertThat(outcome()).isEqualTo(Outcome.BAD_CONFIG);
        assertThat(sources.made()).isEmpty();
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
    }

    @Test
    void aProcessorThatRejectsItsConfigurationIsABadConfiguration() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease, "processor.no.such.key", "1");

        assertThat(outcome()).isEqualTo(Outcome.BAD_CONFIG);
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(lease.releases()).isPositive();
        assertThat(lease.acquireCalls()).isEqualTo(1);
    }

    @Test
    void aTermThatFailsEndsTheRunAsFailedAndGivesTheLeaseUp() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);

        awaitTermStarted(1).fail(new IllegalStateException("a poison event halted the pipeline"));

        assertThat(outcome()).isEqualTo(Outcome.FAILED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.failure()).get().extracting(Throwable::getMessage)
                .isEqualTo("a poison event halted the pipeline");
        assertThat(lease.releases()).isPositive();
        assertThat(lease.acquireCalls()).as("no takeover of a failure another instance would share").isEqualTo(1);
    }

    @Test
    void aStepDownAfterTheTermFailedEndsTheRunAsFailedWithoutAnotherTerm() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);
        ScriptedEventSource source = awaitTermStarted(1);
        // The source's write was refused: it fails, and the fence is told a moment later, before the source ended.
        source.failWithoutEnding(new IllegalStateException("the offsets cannot be stored"));
        await().atMost(SOON).until(() -> pipeline.state() == PipelineState.FAILED);

        lease.fence();

        assertThat(outcome()).isEqualTo(Outcome.FAILED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.FAILED);
        assertThat(lease.acquireCalls()).as("no term after a failure").isEqualTo(1);
        assertThat(sources.made()).hasSize(1);
        assertThat(lease.releases()).isPositive();
    }

    @Test
    void aCloseWhileWaitingForTheLeaseStops() throws Exception {
        FakeLease lease = FakeLease.withOthers();
        Pipeline pipeline = runOneOfSeveral(lease);
        await().atMost(SOON).until(lease::waiting);

        runner.close();

        assertThat(outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STOPPED);
        assertThat(sources.made()).isEmpty();
    }

    @Test
    void aStepDownWhileTheTermIsStillStartingRunsNoTermAndStandsBy() throws Exception {
        sources.queue(new ScriptedEventSource().blockPrepare());
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease);
        await().atMost(SOON).until(() -> !sources.made().isEmpty());
        assertThat(sources.term(1).awaitPrepareEntered()).isTrue();

        lease.lose();

        await().atMost(SOON).until(() -> lease.waiting() && pipeline.state() == PipelineState.STANDBY);
        assertThat(sources.term(1).isStarted()).isFalse();
        assertThat(sources.term(1).threadEnded()).isTrue();
        assertThat(processor.opens()).as("no term ran").isZero();
        assertThat(pipeline.failure()).isEmpty();

        lease.grant();
        awaitTermStarted(2).stream(insert(1)).get(2, TimeUnit.SECONDS);
        assertThat(pipeline.state()).isEqualTo(PipelineState.STREAMING);
    }

    @Test
    void aTermThatCannotReachItsSourceStepsDownForTheOthersAndWaitsBeforeTryingAgain() throws Exception {
        sources.queue(new ScriptedEventSource().status(SourceStatus.unreachable("connection refused")));
        FakeLease lease = FakeLease.withOthers();
        lease.grant();
        Pipeline pipeline = runOneOfSeveral(lease, "source.down.unhealthy.after.ms", "200");
        awaitTermStarted(1).stream(insert(1)).get(2, TimeUnit.SECONDS);

        // Monitoring samples the source once a second: the step-down follows the first sample by about 200 ms.
        await().atMost(Duration.ofSeconds(3)).until(() -> lease.retires() == 1);
        await().atMost(SOON).until(() -> pipeline.state() == PipelineState.STANDBY);
        assertThat(pipeline.failure()).isEmpty();

        await().atMost(SOON).until(lease::waiting);
        assertThat(lease.acquireCalls()).isEqualTo(2);
        // Measured by the lease itself, from the step-down's release to the next attempt: no polling delay in it.
        assertThat(lease.lastReleaseToAcquire()).as("the others get ha.lease.timeout.ms (300 ms) to take the lease"
                + " first").isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
}
