package io.cdcrunner.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.source.ServerInfo;
import io.cdcrunner.source.ServerInfo.BinlogPosition;

/** The benchmark's server as its child processes reach it, and the daemon configuration pointing at it. */
record Source(Flavor flavor, String host, int port, String user, String password) {

    static final String DATABASE = "bench";

    static Source from(Args args) {
        return new Source(Flavor.of(args.get("flavor")), args.get("host"), args.getInt("port"), args.get("user"), args.get("password"));
    }

    Map<String, Object> toArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("flavor", flavor.name());
        args.put("host", host);
        args.put("port", port);
        args.put("user", user);
        args.put("password", password);
        return args;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port + "/" + DATABASE
                + "?useSSL=false&allowPublicKeyRetrieval=true", user, password);
    }

    BinlogPosition currentPosition() throws SQLException {
        try (Connection c = connect()) {
            return ServerInfo.currentPosition(c);
        }
    }

    /**
     * A daemon configuration for {@code table} with the benchmark's tuning: the engine polls every
     * millisecond; {@code overrides} win.
     */
    RunnerConfig pipelineConfig(String name, String table, Path stateDir, Map<String, String> overrides) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("pipeline.name", name);
        keys.put("source.host", host);
        keys.put("source.port", String.valueOf(port));
        keys.put("source.user", user);
        keys.put("source.password", password);
        keys.put("source.tables", DATABASE + "." + table);
        keys.put("state.dir", stateDir.toString());
        keys.put("engine.poll.interval.ms", "1");
        keys.put("processor.class", NoopProcessor.class.getName());
        keys.putAll(overrides);
        try {
            return ConfigLoader.fromMap(keys);
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
