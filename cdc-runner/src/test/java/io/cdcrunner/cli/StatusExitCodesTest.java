package io.cdcrunner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.core.StubPipelineView;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.testkit.UnitTest;

/**
 * {@code cdc-runner status}'s exit codes and output, as a health check reads them, against this JVM's remote JMX
 * serving stub pipelines: no database and no daemon. {@link StatusCommandTest} runs it against real pipelines.
 */
@UnitTest
class StatusExitCodesTest {

    @TempDir
    Path temp;

    /** Unique per run: the platform MBean server may hold other tests' pipelines. */
    private final String prefix = "st" + UUID.randomUUID().toString().substring(0, 8);
    private final List<PipelineMonitoring> monitorings = new ArrayList<>();
    private String jmx;

    @AfterEach
    void close() {
        monitorings.forEach(PipelineMonitoring::close);
    }

    @Test
    void aHealthyPipelineExits0WithItsFiguresInTextAndJson() throws Exception {
        StubPipelineView view = monitored("up");
        view.counters().onReceived(2);

        CommandRun text = status("--pipeline", view.name());
        assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).startsWith("pipeline '" + view.name() + "': STREAMING, healthy")
                .contains("received 2, processed 0, in flight 2");

        CommandRun json = status("--pipeline", view.name(), "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("state").asText()).isEqualTo("STREAMING");
        assertThat(report.get("healthy").asBoolean()).isTrue();
        assertThat(report.get("eventsReceived").asLong()).isEqualTo(2);
    }

    @Test
    void aFailedPipelineExits4WithItsError() throws Exception {
        StubPipelineView view = monitored("sick");
        view.failed(new IllegalStateException("refusing row id 1"));

        CommandRun run = status("--pipeline", view.name());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.out()).contains("FAILED, NOT healthy").containsPattern("last error +refusing row id 1");
    }

    @Test
    void anUnknownPipelineOrNoDaemonExits5AndJsonSaysUnreachable() throws Exception {
        monitored("known");

        CommandRun unknown = status("--pipeline", prefix + "-other");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unknown.err()).contains("no pipeline named '" + prefix + "-other' runs in that daemon");

        String nobody = "127.0.0.1:" + freePort();
        CommandRun none = CommandRun.of("status", "--jmx", nobody, "--json", "--timeout", "5");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(none.err()).contains("cannot reach a cdc-runner daemon at " + nobody);
        JsonNode json = new ObjectMapper().readTree(none.out());
        assertThat(json.get("reachable").asBoolean()).isFalse();
        assertThat(json.get("healthy").asBoolean()).isFalse();
    }

    @Test
    void severalPipelinesWithoutPipelineOrABadAddressAreConfigurationErrors() throws Exception {
        StubPipelineView one = monitored("one");
        StubPipelineView two = monitored("two");

        CommandRun several = status();
        assertThat(several.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(several.err()).contains("several pipelines", one.name(), two.name());

        assertThat(CommandRun.of("status", "--jmx", "no-port").exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
    }

    /** A stub pipeline under its MBean; the first one also opens remote JMX, as a daemon does. */
    private StubPipelineView monitored(String name) throws Exception {
        StubPipelineView view = new StubPipelineView(prefix + "-" + name);
        Map<String, String> settings = new HashMap<>(Map.of("source.host", "127.0.0.1", "source.user", "cdc",
                "pipeline.name", view.name()));
        if (jmx == null) {
            int port = freePort();
            settings.putAll(Map.of("jmx.remote.port", String.valueOf(port),
                    "jmx.remote.password.file", passwordFile().toString()));
            jmx = "127.0.0.1:" + port;
        }
        PipelineMonitoring monitoring = new PipelineMonitoring(view, ConfigLoader.fromMap(settings));
        monitorings.add(monitoring);
        monitoring.start();
        return view;
    }

    private Path passwordFile() throws IOException {
        Path passwords = temp.resolve("monitor.password");
        Files.writeString(passwords, "monitor m0nitor-pw\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        return passwords;
    }

    private CommandRun status(String... args) {
        List<String> all = new ArrayList<>(List.of("status", "--jmx", jmx, "--jmx-password-file",
                temp.resolve("monitor.password").toString()));
        all.addAll(List.of(args));
        return CommandRun.of(all.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
