package io.cdcrunner.cli;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.StartFrom;
import io.cdcrunner.kafka.ConnectRest;
import io.cdcrunner.kafka.ConnectorConfig;
import io.cdcrunner.kafka.ConnectorDeployment;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.source.FlavorDetector;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.source.ServerInfo.BinlogPosition;
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
            + " the Connect REST API at CONNECT_URL (http://host:8083) instead of printing it. A new connector starting"
            + " at the binlog end is created stopped, given the source's current binlog position as its offset, and"
            + " resumed; an existing one keeps its offsets.")
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
        ServerFlavor chosen = flavor;
        if (chosen == null) {
            try {
                chosen = FlavorDetector.resolve(runnerConfig.source());
            } catch (SQLException e) {
                System.err.println("cannot ask the source " + runnerConfig.source().host() + ":"
                        + runnerConfig.source().port() + " which server it is (" + Redaction.mask(e.getMessage())
                        + "): pass --flavor mysql|mariadb, or set source.flavor");
                return ExitCodes.UNREACHABLE;
            }
        }
        Map<String, String> connector = ConnectorConfig.of(runnerConfig, chosen);
        if (apply != null) {
            return apply(runnerConfig, connector);
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

    /**
     * Creates the connector (a new one starting at the binlog end gets that position as its offset before its task
     * first runs) or updates it (its offsets untouched): see {@link ConnectorDeployment}.
     */
    private Integer apply(RunnerConfig runnerConfig, Map<String, String> connector) {
        String name = runnerConfig.kafka().connectorName();
        ConnectRest rest = new ConnectRest(apply);
        Optional<ConnectorDeployment.StartPosition> start = runnerConfig.source().start() == StartFrom.SNAPSHOT
                ? Optional.empty() : Optional.of(() -> currentPosition(runnerConfig));
        try {
            String done = new ConnectorDeployment(rest, name, runnerConfig.pipelineName()).apply(connector, start);
            System.out.println("connector '" + name + "' " + done);
            return ExitCodes.OK;
        } catch (ConnectRest.ConnectRestException e) {
            System.err.println(Redaction.mask(e.getMessage()) + (e.status() == 405 || e.status() == 404
                    ? " (creating a connector STOPPED and setting its offsets needs Kafka Connect 3.7 or later)" : ""));
            return ExitCodes.FAILED;
        } catch (SQLException | IllegalStateException e) {
            System.err.println("cannot read the binlog position of the source " + runnerConfig.source().host() + ":"
                    + runnerConfig.source().port() + " (" + Redaction.mask(e.getMessage()) + "): a new connector"
                    + " records where it starts before it runs, so it was not started. Check source.* and that the"
                    + " source's user may run SHOW MASTER STATUS (REPLICATION CLIENT; on MariaDB BINLOG MONITOR),"
                    + " then run --apply again");
            return e instanceof SQLException ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("cannot reach the Connect REST API at " + apply + " (" + Redaction.mask(e.getMessage())
                    + "): check the URL and that a worker runs");
            return ExitCodes.UNREACHABLE;
        }
    }

    private static BinlogPosition currentPosition(RunnerConfig config) throws SQLException {
        try (Connection connection = SourceAccess.of(config.source()).connect()) {
            return ServerInfo.currentPosition(connection);
        }
    }
}
