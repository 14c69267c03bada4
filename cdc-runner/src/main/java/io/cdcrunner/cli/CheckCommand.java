package io.cdcrunner.cli;

import java.util.concurrent.Callable;

import io.cdcrunner.check.CheckReport;
import io.cdcrunner.check.CheckResult;
import io.cdcrunner.check.SourceChecks;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.pipeline.ProcessorHost;
import io.cdcrunner.pipeline.ProcessorProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cdc-runner check --config FILE}: verifies the source and the state directory before a run. */
@Command(name = "check", description = "Check that the source server, grants, tables and state directory "
        + "are ready; exit 3 if anything is not.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        RunnerConfig runnerConfig;
        try {
            runnerConfig = config.load();
        } catch (ConfigException e) {
            ConfigOption.printProblems(e);
            return ExitCodes.BAD_CONFIG;
        }
        SourceSettings source = runnerConfig.source();
        SourceLogin login = new SourceLogin(source.host(), source.port(), source.user(),
                source.password().reveal().toCharArray(), source.connectTimeout());
        CheckReport report = new SourceChecks(login, source.tables(), source.serverId(), runnerConfig.stateDir()).run()
                .with(processorCheck(runnerConfig));
        System.out.println(report.render());
        return report.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** The processor class loads and its constructor runs, as {@code run} needs before it records anything. */
    private static CheckResult processorCheck(RunnerConfig config) {
        String className = config.processor().className();
        try {
            ProcessorHost.create(className);
            return CheckResult.ok("processor", className);
        } catch (ProcessorProblem e) {
            return CheckResult.fail("processor", e.getMessage(), "fix processor.class, or put the processor's jar in ext/");
        }
    }
}
