package io.cdcrunner.demo;

import org.slf4j.bridge.SLF4JBridgeHandler;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the demo jar: {@code demo} ({@code make demo}) and {@code demo-writer} (the Compose demo's writer). */
@Command(name = "cdc-runner-demo", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        description = "The cdc-runner demo: a throwaway database, the daemon, a writer and a verified result; "
                + "or only the writer, against your own database.",
        subcommands = {DemoCommand.class, DemoWriterCommand.class},
        exitCodeOnInvalidInput = 2)
public final class DemoMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code, without exiting the JVM. */
    public static int execute(String... args) {
        // The engine's binlog client logs through java.util.logging; route it to SLF4J.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new DemoMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
