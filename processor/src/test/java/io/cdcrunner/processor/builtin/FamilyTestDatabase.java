package io.cdcrunner.processor.builtin;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.localdb.LocalServer;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.Row;
import io.cdcrunner.testkit.ChangeEventBuilder;

/** One database on a local MariaDB with a pooled data source, and hand-built events for its tables. */
final class FamilyTestDatabase implements AutoCloseable {

    private static final AtomicLong POSITION = new AtomicLong(4);

    final String name;
    final HikariDataSource dataSource;

    FamilyTestDatabase(LocalServer server, String name) {
        this.name = name;
        server.execute("CREATE DATABASE " + name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(name));
        config.setUsername("root");
        config.setPassword("");
        // Room for 8 lanes each holding a connection while their inserts take another.
        config.setMaximumPoolSize(30);
        config.setPoolName("family-test-" + name);
        this.dataSource = new HikariDataSource(config);
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    ProcessorContext context(Map<String, String> config) {
        return context(config, dataSource);
    }

    ProcessorContext context(Map<String, String> config, DataSource source) {
        ProcessorConfig processorConfig = new ProcessorConfig(config);
        return new ProcessorContext() {
            @Override
            public String pipelineName() {
                return "family-test";
            }

            @Override
            public ProcessorConfig config() {
                return processorConfig;
            }

            @Override
            public DataSource dataSource() {
                return source;
            }
        };
    }

    ChangeEvent insert(String table, Map<String, Object> after) {
        return event(Operation.INSERT, table, null, after);
    }

    ChangeEvent update(String table, Map<String, Object> before, Map<String, Object> after) {
        return event(Operation.UPDATE, table, before, after);
    }

    ChangeEvent delete(String table, Map<String, Object> before) {
        return event(Operation.DELETE, table, before, null);
    }

    private ChangeEvent event(Operation operation, String table, Map<String, Object> before,
                              Map<String, Object> after) {
        Map<String, Object> image = after != null ? after : before;
        long pos = POSITION.getAndAdd(100);
        return ChangeEventBuilder.of(operation).table(name, table).key("id", image.get("id"))
                .before(before == null ? null : Row.of(before)).after(after == null ? null : Row.of(after)).at(pos)
                .gtidTransaction("0-1-" + pos).committedAt(Instant.now()).build();
    }

    /** A row image; unlike {@code Map.of} it keeps column order and allows SQL NULL. */
    static Map<String, Object> row(Object... columnsAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
