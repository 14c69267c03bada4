package io.cdcrunner.config;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Documentation generated from {@link RunnerKeys}: the Markdown reference table of {@code docs/configuration.md}
 * ({@link ConfigReference}) and the commented sample properties file ({@code config/cdc-runner.properties}). Tests
 * compare both with the committed files, so a default can never drift from its description.
 */
public final class ConfigDocs {

    private static final int WIDTH = 110;

    private static final String PROCESSOR_PASSTHROUGH = "Any other `processor.*` key belongs to the processor:"
            + " it is passed to it with the prefix removed (`processor.family.table` becomes `family.table`).";
    private static final String DEBEZIUM_PASSTHROUGH = "Passed to the Debezium engine with the prefix removed,"
            + " over the properties the daemon derives from the keys above (for experts). Properties the typed events"
            + " depend on, or that a key above sets, are refused with the reason.";

    private static final String KAFKA_CLIENT_PASSTHROUGH = "With source.type=kafka: Kafka consumer properties"
            + " (TLS, SASL...) with the prefix removed. The commits, the assignor and the deserializers are the daemon's;"
            + " auto.offset.reset may be earliest (the default) or none: latest and by_duration:... are refused, as a new"
            + " group (or one whose offsets expired) would skip the records before.";

    private static final String HEADER = """
            # cdc-runner configuration
            #
            # Every key the daemon knows, with its type and default. A commented key shows its default;
            # the required keys are the uncommented empty ones: fill them in. A blank value means "use the default".
            #
            # Precedence, lowest first: this file < -D system property (java -Dsource.port=3307 ...) <
            # environment variable. A key's variable is CDC_ and the key in upper case with '.' and '-' as '_':
            # CDC_SOURCE_PASSWORD sets source.password. Other CDC_PROCESSOR_* variables set processor.* keys
            # (lower case, '_' as '.').
            #
            # Generated from the key declarations (io.cdcrunner.config.RunnerKeys): change those and run
            # `make config-docs` rather than editing this file; copy it to make your own configuration.""";

    private static final String FOOTER = """
            #
            # Any other processor.* key belongs to the processor, which receives it with the prefix removed:
            #processor.family.table=inventory.orders
            #
            # With source.type=kafka, kafka.client.* keys are Kafka consumer properties (TLS, SASL...), prefix
            # removed. auto.offset.reset may be earliest (the default) or none; latest and by_duration:... are
            # refused: a new group, or one whose offsets expired, would skip the records before.
            #kafka.client.security.protocol=SSL
            #
            # debezium.* keys are given to the Debezium engine with the prefix removed, over the properties the
            # daemon derives from the keys above. Properties the typed events depend on (decimal.handling.mode,
            # time.precision.mode, converters, transforms...) or that a key above sets are refused. For experts:
            #debezium.database.ssl.mode=required""";

    private ConfigDocs() {
    }

    /** The keys as a Markdown table (key | type | default | description), ending with a newline. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (ConfigKey<?> key : RunnerKeys.ALL) {
            out.append("| `").append(key.name()).append("` | ").append(cell(typeText(key))).append(" | ")
                    .append(defaultCell(key)).append(" | ").append(cell(key.doc())).append(" |\n");
        }
        out.append("| `processor.*` | string | | ").append(cell(PROCESSOR_PASSTHROUGH)).append(" |\n");
        out.append("| `kafka.client.*` | string | | ").append(cell(KAFKA_CLIENT_PASSTHROUGH)).append(" |\n");
        out.append("| `debezium.*` | string | | ").append(cell(DEBEZIUM_PASSTHROUGH)).append(" |\n");
        return out.toString();
    }

    /** A complete, commented properties file showing every key with its default. */
    public static String sampleProperties() {
        List<String> lines = new ArrayList<>(List.of(HEADER.split("\n")));
        String section = "";
        for (ConfigKey<?> key : RunnerKeys.ALL) {
            String prefix = key.name().substring(0, key.name().indexOf('.'));
            if (!prefix.equals(section)) {
                section = prefix;
                lines.add("");
                lines.add(ruler(prefix));
            }
            lines.add("");
            lines.addAll(comment(key.doc()));
            lines.addAll(comment(facts(key)));
            lines.add("# Environment: " + key.envName());
            lines.add((key.required() ? "" : "#") + key.name() + "=" + key.defaultText().orElse(""));
        }
        lines.add("");
        lines.add(ruler("pass-through keys"));
        lines.addAll(List.of(FOOTER.split("\n")));
        return String.join("\n", lines) + "\n";
    }

    private static String typeText(ConfigKey<?> key) {
        String expected = key.expected();
        return expected.startsWith("an ") ? expected.substring(3)
                : expected.startsWith("a ") ? expected.substring(2) : expected;
    }

    private static String defaultCell(ConfigKey<?> key) {
        if (key.required()) {
            return "**required**";
        }
        return key.defaultText().map(text -> text.isEmpty() ? "(empty)" : "`" + text + "`").orElse("(unset)");
    }

    private static String facts(ConfigKey<?> key) {
        String value = key.required() ? "Required."
                : key.defaultText().map(text -> "Default: " + (text.isEmpty() ? "empty." : text + "."))
                        .orElse("Unset by default.");
        return "Type: " + typeText(key) + ". " + value;
    }

    private static String ruler(String title) {
        return "# --- " + title + " " + "-".repeat(WIDTH - title.length() - 7);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static List<String> comment(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder("#");
        for (String word : text.split(" ")) {
            if (line.length() + 1 + word.length() > WIDTH && line.length() > 1) {
                lines.add(line.toString());
                line = new StringBuilder("#");
            }
            line.append(' ').append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
