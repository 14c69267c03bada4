package io.cdcrunner.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.cdcrunner.config.ConfigDocs;
import io.cdcrunner.config.ConfigReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cdc-runner config-doc reference|sample [--write FILE]}: the configuration reference generated from the key
 * declarations, printed, or written into a file ({@code make config-docs} keeps {@code docs/configuration.md} and the
 * sample with it).
 */
@Command(name = "config-doc", description = "Print the configuration reference: 'reference' (Markdown table) "
        + "or 'sample' (commented properties file).")
final class ConfigDocCommand implements Callable<Integer> {

    enum Format { reference, sample }

    @Parameters(index = "0", defaultValue = "reference", description = "reference or sample")
    Format format;

    @Option(names = "--write", paramLabel = "FILE", description = "reference: replace the table between the markers"
            + " of FILE; sample: write FILE")
    Path file;

    @Override
    public Integer call() {
        if (file == null) {
            System.out.print(format == Format.reference ? ConfigDocs.markdownTable() : ConfigDocs.sampleProperties());
            return ExitCodes.OK;
        }
        try {
            if (format == Format.reference) {
                ConfigReference.update(file);
            } else {
                Files.writeString(file, ConfigDocs.sampleProperties(), StandardCharsets.UTF_8);
            }
            return ExitCodes.OK;
        } catch (IOException | IllegalStateException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
