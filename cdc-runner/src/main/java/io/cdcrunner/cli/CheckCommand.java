package io.cdcrunner.cli;

import java.sql.SQLException;
import java.util.concurrent.Callable;

import io.cdcrunner.check.CheckReport;
import io.cdcrunner.check.CheckResult;
import io.cdcrunner.check.SourceChecks;
import io.cdcrunner.check.SourceLogin;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.kafka.ConnectorCheck;
import io.cdcrunner.kafka.ConnectorConfig;
import io.cdcrunner.kafka.LedgerCoverage;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.Ledger;
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
        SourceLogin login = new SourceLogin(source);
        ProcessorCheck processor = processorCheck(runnerConfig);
        CheckReport report = new SourceChecks(login, source.tables(), source.serverId(), runnerConfig.stateDir()).run()
                .with(processor.result());
        if (source.servers().several()) {
            report = report.with(io.cdcrunner.check.ServerListCheck.run(source));
        }
        if (runnerConfig.ha().enabled()) {
            report = report.with(io.cdcrunner.ha.LeaseTopologyCheck.run(runnerConfig),
                    io.cdcrunner.ha.LeaseReadersCheck.run(runnerConfig));
        }
        if (runnerConfig.sourceType() == SourceSettings.SourceType.KAFKA) {
            report = report.with(connectorCheck(runnerConfig).toArray(CheckResult[]::new));
            if (processor.keepsLedger()) {
                report = report.with(LedgerCoverage.check(runnerConfig.kafka()));
            }
        }
        System.out.println(report.render());
        return report.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** With kafka.connect.url: the running connector is configured as connector-config prints, and drops nothing. */
    private static java.util.List<CheckResult> connectorCheck(RunnerConfig config) {
        if (config.kafka().connectUrl().isEmpty()) {
            return java.util.List.of(CheckResult.skipped("connector", "kafka.connect.url is not set: the Connect"
                    + " connector's configuration is not compared with connector-config's"));
        }
        ServerFlavor flavor;
        try {
            flavor = io.cdcrunner.source.FlavorDetector.resolve(config.source());
        } catch (SQLException e) {
            return java.util.List.of(CheckResult.skipped("connector", "the source's flavor is unknown ("
                    + Redaction.mask(e.getMessage()) + "): set source.flavor to compare the connector"));
        }
        return ConnectorCheck.run(config.kafka().connectUrl().get(), config.kafka().connectorName(),
                ConnectorConfig.of(config, flavor));
    }

    /**
     * The processor opens as {@code run} opens it (its class, constructor, keys and {@code open}, which may create its
     * tables), and a transactional processor's ledger table can be created: what {@code run} does before it records
     * anything.
     */
    private static ProcessorCheck processorCheck(RunnerConfig config) {
        Redaction.install(Redaction.of(config));
        String className = config.processor().className();
        String ledgerTable = config.delivery().ledgerTable();
        try (ProcessorHost host = ProcessorHost.open(config)) {
            EventDelivery delivery = new EventDelivery(host.processor(), host.dataSource(),
                    new Ledger(ledgerTable, config.pipelineName()));
            try {
                delivery.open();
            } catch (SQLException e) {
                return new ProcessorCheck(CheckResult.fail("processor", className + " opened, but its ledger table "
                                + ledgerTable + " cannot be created: " + Redaction.mask(e.getMessage()),
                        "grant CREATE, SELECT, INSERT, DELETE on " + ledgerTable.substring(0, ledgerTable.indexOf('.'))
                                + ".* to the processor's user (processor.jdbc.user, else source.user), or set "
                                + "processor.ledger.table to a database it may write"), delivery.isTransactional());
            }
            return new ProcessorCheck(CheckResult.ok("processor", className + " opened" + (delivery.isTransactional()
                    ? "; ledger table " + ledgerTable + " ready" : "")), delivery.isTransactional());
        } catch (ProcessorProblem e) {
            return new ProcessorCheck(CheckResult.fail("processor", Redaction.mask(e.getMessage()),
                    "fix processor.class or the processor.* keys named, or put the processor's jar in ext/"), false);
        } catch (RuntimeException e) {
            return new ProcessorCheck(CheckResult.fail("processor", Redaction.mask(e.getMessage()),
                    "fix what the processor reports: its database (processor.jdbc.*) and the grants its tables need"),
                    false);
        }
    }

    /**
     * The processor's check, and whether it applies events once through a ledger (a
     * {@link io.cdcrunner.processor.TransactionalProcessor}).
     */
    private record ProcessorCheck(CheckResult result, boolean keepsLedger) {
    }
}
