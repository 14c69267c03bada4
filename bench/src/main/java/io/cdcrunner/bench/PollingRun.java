package io.cdcrunner.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.baseline.ReplicaPollingBaseline;

/**
 * Child process of scenario 4, the polling side: {@link ReplicaPollingBaseline} writes rows on the primary at
 * the rate, one writer connection, and its readers poll the replica for each id (10 ms doubling to 1 s) until
 * they see it.
 */
public final class PollingRun {

    private PollingRun() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Source primary = Source.from(args);
        int rate = args.getInt("rate");
        int rows = rate * args.getInt("seconds");
        Map<String, Object> result = new LinkedHashMap<>();
        try (HikariDataSource writers = pool(primary, primary.port(), 2);
             HikariDataSource readers = pool(primary, args.getInt("replica.port"), args.getInt("readers"))) {
            ReplicaPollingBaseline.Result run = new ReplicaPollingBaseline(writers, readers, args.get("table"),
                    args.getInt("readers")).run(rows, 1, rate);
            result.put("records", run.records());
            result.put("visible", run.visible());
            result.put("queries", run.queries());
            result.put("queries_per_record", Math.round(run.queriesPerRecord() * 100) / 100.0);
            result.put("seconds", Math.round(run.seconds() * 10) / 10.0);
            result.put("all", LatencyStats.summarize(run.latencyMicros()));
        }
        ChildOutput.write(Path.of(args.get("out")), result);
        System.exit(0);
    }

    private static HikariDataSource pool(Source source, int port, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl("jdbc:mysql://" + source.host() + ":" + port + "/" + Source.DATABASE
                + "?useSSL=false&allowPublicKeyRetrieval=true");
        hikari.setUsername(source.user());
        hikari.setPassword(source.password());
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(size);
        return new HikariDataSource(hikari);
    }
}
