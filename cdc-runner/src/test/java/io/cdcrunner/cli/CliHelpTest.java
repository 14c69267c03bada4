package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** Every command explains itself with --help; an unknown one is an error that names it. */
@UnitTest
class CliHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "status", "snapshot", "dlq", "dlq list", "dlq show", "dlq replay",
            "dlq purge", "config-doc"})
    void everyCommandTakesHelp(String command) {
        String[] words = (command + " --help").split(" ");
        CommandRun help = CommandRun.of(words);
        assertThat(help.exitCode()).as(help.all()).isEqualTo(ExitCodes.OK);
        assertThat(help.out()).startsWith("Usage: cdc-runner " + command);
    }

    @Test
    void anUnknownCommandExitsTwoNamingIt() {
        CommandRun unknown = CommandRun.of("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(unknown.err()).contains("'frobnicate'");
    }

    @Test
    void statusInJsonSaysSoWhenNothingAnswers() throws Exception {
        CommandRun json = CommandRun.of("status", "--json", "--jmx", "127.0.0.1:1", "--timeout", "2");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(tree.path("reachable").asBoolean(true)).isFalse();
        assertThat(tree.path("healthy").asBoolean(true)).isFalse();
        assertThat(tree.path("error").asText()).isNotEmpty();
    }
}
