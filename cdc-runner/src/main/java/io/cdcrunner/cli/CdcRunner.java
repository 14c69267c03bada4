package io.cdcrunner.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code cdc-runner run|check|status|snapshot|dlq|config-doc|connector-config}. */
@Command(name = "cdc-runner", mixinStandardHelpOptions = true, versionProvider = Version.class,
        // --help and --version on every command and subcommand too.
        scope = CommandLine.ScopeType.INHERIT,
        description = "Runs a processor for every committed row change of a MySQL/MariaDB database, "
                + "read from the binlog by an embedded Debezium engine.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, SnapshotCommand.class,
            DlqCommand.class, ConfigDocCommand.class, ConnectorConfigCommand.class},
        exitCodeOnInvalidInput = ExitCodes.BAD_CONFIG,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly, or the command succeeded",
            "1:the pipeline could not start or failed while running; dlq replay: an event failed again",
            "2:invalid configuration or command line; snapshot: the daemon refused the request",
            "3:check found a problem",
            "4:status: the daemon is not healthy",
            "5:status: no daemon could be reached; snapshot: no daemon serving backfills could be reached"})
public final class CdcRunner implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && "run".equals(args[0])) {
            // First of all, so that a SIGTERM while the daemon starts is a clean stop (exit 0), not the JVM's 143.
            ShutdownSignals.install();
        }
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code, without exiting the JVM. */
    public static int execute(String... args) {
        // Debezium's binlog client logs through java.util.logging; route it to SLF4J.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new CdcRunner()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
