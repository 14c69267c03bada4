package io.cdcrunner.cli;

import java.nio.file.Path;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read the daemon's configuration. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "Properties file. -Dkey=value and CDC_* environment variables override it.")
    Path file;

    /** Loads the configuration and makes its secrets the ones masked in every log line and output. */
    RunnerConfig load() throws ConfigException {
        return load(file);
    }

    /** As {@link #load()}, for a command whose {@code --config} is optional. */
    static RunnerConfig load(Path file) throws ConfigException {
        RunnerConfig config = ConfigLoader.load(file, System.getenv(), System.getProperties());
        Redaction.install(Redaction.of(config));
        return config;
    }

    static void printProblems(ConfigException e) {
        System.err.println("Invalid configuration:");
        System.err.println(e.getMessage());
    }
}
