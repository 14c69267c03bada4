package io.cdcrunner.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.kafka.ConnectorConfig;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.SourceAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner connector-config --config FILE}: the Kafka Connect connector a {@code source.type=kafka} pipeline
 * consumes, as JSON for Connect's REST API ({@code POST /connectors}; with {@code --config-only},
 * {@code PUT /connectors/NAME/config}).
 */
@Command(name = "connector-config", description = "Print the Kafka Connect connector (JSON) whose topics a"
        + " source.type=kafka pipeline consumes; passwords are ${env:...} placeholders for the worker's env config"
        + " provider.")
final class ConnectorConfigCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ConfigOption config;

    @Option(names = "--flavor", paramLabel = "mysql|mariadb", description = "The source's flavor; default"
            + " source.flavor, else asked of the source.")
    ServerFlavor flavor;

    @Option(names = "--config-only", description = "Print only the configuration object (for PUT"
            + " /connectors/NAME/config).")
    boolean configOnly;

    @Option(names = "--apply", paramLabel = "CONNECT_URL", description = "Create or update the connector through"
            + " the Connect REST API at CONNECT_URL (http://host:8083) instead of printing it.")
    String apply;

    @Override
    public Integer call() throws JsonProcessingException {
        RunnerConfig runnerConfig;
        try {
            runnerConfig = config.load();
        } catch (ConfigException e) {
            ConfigOption.printProblems(e);
            return ExitCodes.BAD_CONFIG;
        }
        Redaction.install(Redaction.of(runnerConfig));
        ServerFlavor chosen = flavor != null ? flavor : runnerConfig.source().flavor().orElse(null);
        if (chosen == null) {
            try (Connection connection = SourceAccess.of(runnerConfig.source()).connect()) {
                chosen = FlavorDetector.detect(connection);
            } catch (SQLException e) {
                System.err.println("cannot ask the source " + runnerConfig.source().host() + ":"
                        + runnerConfig.source().port() + " which server it is (" + Redaction.mask(e.getMessage())
                        + "): pass --flavor mysql|mariadb, or set source.flavor");
                return ExitCodes.UNREACHABLE;
            }
        }
        Map<String, String> connector = ConnectorConfig.of(runnerConfig, chosen);
        if (apply != null) {
            return apply(runnerConfig.kafka().connectorName(), connector);
        }
        if (configOnly) {
            System.out.println(JSON.writeValueAsString(connector));
        } else {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("name", runnerConfig.kafka().connectorName());
            request.put("config", connector);
            System.out.println(JSON.writeValueAsString(request));
        }
        return ExitCodes.OK;
    }

    /** {@code PUT /connectors/NAME/config}: creates the connector, or updates it to this configuration. */
    private Integer apply(String name, Map<String, String> connector) throws JsonProcessingException {
        String url = apply.replaceAll("/+$", "") + "/connectors/" + name + "/config";
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(java.time.Duration.ofSeconds(10)).build()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                            .timeout(java.time.Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(connector)))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 || response.statusCode() == 201) {
                System.out.println("connector '" + name + "' " + (response.statusCode() == 201 ? "created" : "updated")
                        + " at " + apply);
                return ExitCodes.OK;
            }
            System.err.println("PUT " + url + " answered " + response.statusCode() + ": "
                    + Redaction.mask(response.body()));
            return ExitCodes.FAILED;
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("cannot reach the Connect REST API at " + apply + " (" + e.getMessage()
                    + "): check the URL and that a worker runs");
            return ExitCodes.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
    }
}
