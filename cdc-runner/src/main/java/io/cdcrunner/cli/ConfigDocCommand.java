package io.cdcrunner.cli;

import java.util.concurrent.Callable;

import io.cdcrunner.config.ConfigDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cdc-runner config-doc readme|sample}: prints the configuration reference generated from the key declarations. */
@Command(name = "config-doc", description = "Print the configuration reference: 'readme' (Markdown table) "
        + "or 'sample' (commented properties file).")
final class ConfigDocCommand implements Callable<Integer> {

    enum Format { readme, sample }

    @Parameters(index = "0", defaultValue = "readme", description = "readme or sample")
    Format format;

    @Override
    public Integer call() {
        System.out.print(format == Format.readme ? ConfigDocs.markdownTable() : ConfigDocs.sampleProperties());
        return ExitCodes.OK;
    }
}
