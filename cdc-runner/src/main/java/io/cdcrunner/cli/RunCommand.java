package io.cdcrunner.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.PipelineRunner;
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
        Redaction.install(Redaction.of(runnerConfig));
        PipelineRunner runner = Pipelines.runner(runnerConfig);
        if (!ShutdownSignals.onTermination(runner::close)) {
            // Nothing was started: a runner holds nothing before run().
            log.info("stopped before the pipeline started (a signal came during start-up)");
            return ExitCodes.OK;
        }
        PipelineRunner.Outcome outcome;
        try {
            outcome = runner.run();
        } catch (RuntimeException e) {
            log.error("cannot run: {}", e.getMessage());
            outcome = PipelineRunner.Outcome.FAILED;
        }
        ShutdownSignals.awaitHandlers();
        log.info("pipeline '{}' ended ({}): {}", runnerConfig.pipelineName(), outcome.name().toLowerCase(Locale.ROOT),
                runner.pipeline().counters().summary());
        return switch (outcome) {
            case STOPPED -> {
                AotRecording.keepIfUseful(runner.pipeline().counters().processedCount());
                yield ExitCodes.OK;
            }
            case FAILED -> ExitCodes.FAILED;
            case BAD_CONFIG -> ExitCodes.BAD_CONFIG;
        };
    }
}
