package io.cdcrunner.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.binlog.BinlogPipeline;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.ha.HaRunner;
import io.cdcrunner.kafka.KafkaPipeline;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.pipeline.ProcessorProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cdc-runner run --config FILE}: the daemon. */
@Command(name = "run", description = "Run the pipeline until SIGTERM/SIGINT.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        RunnerConfig runnerConfig;
        try {
            runnerConfig = config.load();
        } catch (ConfigException e) {
            ConfigOption.printProblems(e);
            return ExitCodes.BAD_CONFIG;
        }
        log.info("effective configuration:\n{}", runnerConfig.describe());
        if (runnerConfig.ha().enabled()) {
            return runHighlyAvailable(runnerConfig);
        }
        Pipeline pipeline = runnerConfig.sourceType() == SourceSettings.SourceType.KAFKA
                ? KafkaPipeline.create(runnerConfig, ProcessedListener.NONE) : BinlogPipeline.create(runnerConfig);
        if (!ShutdownSignals.onTermination(pipeline::close)) {
            // Nothing was started: a pipeline holds nothing before start().
            log.info("stopped before the pipeline started (a signal came during start-up)");
            return ExitCodes.OK;
        }
        try {
            pipeline.start();
        } catch (ProcessorProblem e) {
            log.error("cannot start: {}", e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (PipelineStartException e) {
            if (pipeline.stopRequested()) {
                // SIGTERM while waiting for the source (or starting): the stop that was asked for, not a failure.
                log.info("stopped before the pipeline started ({})", e.getMessage());
                ShutdownSignals.awaitHandlers();
                return ExitCodes.OK;
            }
            log.error("cannot start: {}", e.getMessage());
            return ExitCodes.FAILED;
        }
        while (!pipeline.awaitTermination(Duration.ofSeconds(1))) {
            // Wakes up now and then so a stuck engine thread cannot hide a requested shutdown.
            if (pipeline.state() == PipelineState.STOPPED) {
                break;
            }
        }
        ShutdownSignals.awaitHandlers();
        if (pipeline.state() == PipelineState.FAILED) {
            return ExitCodes.FAILED;
        }
        AotRecording.keepIfUseful(pipeline.counters().processedCount());
        return ExitCodes.OK;
    }

    /** One of several instances: standing by, taking over, stepping down, until SIGTERM or a failure. */
    private static int runHighlyAvailable(RunnerConfig runnerConfig) throws InterruptedException {
        io.cdcrunner.config.Redaction.install(io.cdcrunner.config.Redaction.of(runnerConfig));
        HaRunner runner = new HaRunner(runnerConfig, monitoring -> BinlogPipeline.create(runnerConfig, monitoring));
        if (!ShutdownSignals.onTermination(runner::close)) {
            log.info("stopped before standing by (a signal came during start-up)");
            return ExitCodes.OK;
        }
        HaRunner.Outcome outcome = runUntilEnd(runner);
        ShutdownSignals.awaitHandlers();
        runner.lastPipeline().ifPresent(last -> log.info("pipeline '{}' ended ({}): {}", runnerConfig.pipelineName(),
                outcome.name().toLowerCase(java.util.Locale.ROOT), last.counters().summary()));
        return switch (outcome) {
            case STOPPED -> ExitCodes.OK;
            case FAILED -> ExitCodes.FAILED;
            case BAD_CONFIG -> ExitCodes.BAD_CONFIG;
        };
    }

    private static HaRunner.Outcome runUntilEnd(HaRunner runner) throws InterruptedException {
        try {
            return runner.run();
        } catch (RuntimeException e) {
            log.error("cannot run: {}", e.getMessage());
            return HaRunner.Outcome.FAILED;
        }
    }
}
