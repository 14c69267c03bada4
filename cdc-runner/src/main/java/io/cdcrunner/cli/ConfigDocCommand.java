package io.cdcrunner.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.cdcrunner.config.ConfigDocs;
import io.cdcrunner.config.ReadmeReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cdc-runner config-doc readme|sample [--write FILE]}: the configuration reference generated from the key
 * declarations, printed, or written into a file ({@code make config-docs} keeps the README and the sample with it).
 */
@Command(name = "config-doc", description = "Print the configuration reference: 'readme' (Markdown table) "
        + "or 'sample' (commented properties file).")
final class ConfigDocCommand implements Callable<Integer> {

    enum Format { readme, sample }

    @Parameters(index = "0", defaultValue = "readme", description = "readme or sample")
    Format format;

    @Option(names = "--write", paramLabel = "FILE", description = "readme: replace the reference between the markers"
            + " of FILE; sample: write FILE")
    Path file;

    @Override
    public Integer call() {
        if (file == null) {
            System.out.print(format == Format.readme ? ConfigDocs.markdownTable() : ConfigDocs.sampleProperties());
            return ExitCodes.OK;
        }
        try {
            if (format == Format.readme) {
                ReadmeReference.update(file);
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
