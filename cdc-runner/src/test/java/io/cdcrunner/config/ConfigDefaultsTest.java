package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.UnitTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@UnitTest
class ConfigDefaultsTest {

    @Test
    void onlyTheRequiredKeysGiveTheDocumentedDefaults() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal());

        assertThat(config.pipelineName()).isEqualTo("cdc-runner");
        SourceSettings source = config.source();
        assertThat(source.host()).isEqualTo("db.example");
        assertThat(source.port()).isEqualTo(3306);
        assertThat(source.user()).isEqualTo("cdc");
        assertThat(source.password().reveal()).isEmpty();
        assertThat(source.flavor()).isEmpty();
        assertThat(source.serverId()).isEqualTo(184054L);
        assertThat(source.tables()).isEmpty();
        assertThat(source.databases()).isEmpty();
        assertThat(source.operations()).containsExactly(Operation.INSERT, Operation.TRUNCATE, Operation.DROP);
        assertThat(source.start()).isEqualTo(StartFrom.BINLOG_END);
        assertThat(source.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.stateDir()).isEqualTo(Path.of("state"));
        assertThat(config.offsetFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        ProcessorSettings processor = config.processor();
        assertThat(processor.className()).isEqualTo("io.cdcrunner.processor.builtin.LoggingProcessor");
        assertThat(processor.jdbc().url()).isEqualTo(source.jdbcUrl(""));
        assertThat(processor.jdbc().user()).isEqualTo("cdc");
        assertThat(processor.jdbc().password().reveal()).isEmpty();
        assertThat(config.read().ownServer()).isFalse();
        assertThat(config.read().target()).isEqualTo(processor.jdbc());
        assertThat(config.deadLetters().jdbc()).isEqualTo(processor.jdbc());
        assertThat(processor.poolSize()).isEqualTo(4);
        assertThat(processor.options()).isEmpty();
        assertThat(config.engine()).isEqualTo(new EngineSettings(Duration.ofMillis(5), 2048, 8192, 16L << 20));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.debeziumOverrides()).isEmpty();
    }

    @Test
    void everyTypeIsParsedIntoItsJavaValue() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal(
                "pipeline.name", "orders-v2",
                "source.port", " 3307 ",
                "source.flavor", "MariaDB",
                "source.server.id", "4294967295",
                "source.tables", "shop.orders, shop\\.line_.* ,",
                "source.databases", "shop",
                "source.operations", "delete,INSERT",
                "source.start", "snapshot",
                "state.dir", "/var/lib/cdc",
                "processor.class", "com.example.Orders$Handler",
                "processor.jdbc.url", "jdbc:mariadb://other/db",
                "processor.jdbc.user", "writer",
                "processor.jdbc.password", "w-pass",
                "engine.poll.interval.ms", "7",
                "engine.max.queue.bytes", " 2G "));

        SourceSettings source = config.source();
        assertThat(config.pipelineName()).isEqualTo("orders-v2");
        assertThat(source.port()).isEqualTo(3307);
        assertThat(source.flavor()).contains(ServerFlavor.MARIADB);
        assertThat(source.serverId()).isEqualTo(4294967295L);
        assertThat(source.tables()).containsExactly("shop.orders", "shop\\.line_.*");
        assertThat(source.databases()).containsExactly("shop");
        assertThat(source.operations()).isEqualTo(Set.of(Operation.INSERT, Operation.DELETE));
        assertThat(source.start()).isEqualTo(StartFrom.SNAPSHOT);
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/cdc"));
        assertThat(config.processor().className()).isEqualTo("com.example.Orders$Handler");
        assertThat(config.processor().jdbc().url()).isEqualTo("jdbc:mariadb://other/db");
        assertThat(config.processor().jdbc().user()).isEqualTo("writer");
        assertThat(config.processor().jdbc().password().reveal()).isEqualTo("w-pass");
        assertThat(config.engine().pollInterval()).isEqualTo(Duration.ofMillis(7));
        assertThat(config.engine().maxQueueBytes()).isEqualTo(2L << 30);
    }

    @Test
    void eachPoolFallsBackKeyByKeyAndKeepsTheSourcesTlsOnlyOnTheSourcesUrl() throws ConfigException {
        Map<String, String> tls = Map.of("source.password", "src-pw", "source.ssl.mode", "verify-ca",
                "source.ssl.truststore", "/etc/cdc/trust.p12", "source.ssl.truststore.password", "trust-pw");
        Map<String, String> sourceKeys = minimal();
        sourceKeys.putAll(tls);
        RunnerConfig sourceOnly = ConfigLoader.fromMap(sourceKeys);
        JdbcTarget processor = sourceOnly.processor().jdbc();
        assertThat(processor.url()).contains("sslMode=VERIFY_CA", "trustCertificateKeyStoreUrl=file:")
                .doesNotContain("trust-pw", "src-pw");
        assertThat(processor.driverProperties()).containsEntry("trustCertificateKeyStorePassword", "trust-pw");
        assertThat(processor.password().reveal()).isEqualTo("src-pw");
        assertThat(sourceOnly.read().target()).isEqualTo(processor);
        assertThat(sourceOnly.deadLetters().jdbc()).isEqualTo(processor);

        Map<String, String> own = minimal();
        own.putAll(tls);
        own.putAll(Map.of("processor.jdbc.url", "jdbc:mysql://app-db/app", "processor.read.user", "reader",
                "deadletter.jdbc.password", "dlq-pw"));
        RunnerConfig config = ConfigLoader.fromMap(own);
        assertThat(config.processor().jdbc()).isEqualTo(new JdbcTarget("jdbc:mysql://app-db/app", "cdc",
                new Secret("src-pw")));
        assertThat(config.read().ownServer()).isFalse();
        assertThat(config.read().target()).isEqualTo(new JdbcTarget("jdbc:mysql://app-db/app", "reader",
                new Secret("src-pw")));
        assertThat(config.deadLetters().jdbc()).isEqualTo(new JdbcTarget("jdbc:mysql://app-db/app", "cdc",
                new Secret("dlq-pw")));
        assertThat(config.toString() + config.processor() + config.read() + config.deadLetters())
                .doesNotContain("trust-pw", "src-pw", "dlq-pw");
    }

    @Test
    void aBlankValueSelectsTheDefault() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.port", "", "source.operations", "  "));

        assertThat(config.source().port()).isEqualTo(3306);
        assertThat(config.source().operations()).containsExactly(Operation.INSERT, Operation.TRUNCATE, Operation.DROP);
    }

    @Test
    void theConfigurationIsImmutable() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("source.tables", "a.b", "processor.x", "1"));

        assertThatThrownBy(() -> config.source().tables().add("c.d"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.processor().options().put("y", "2"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(
                () -> config.source().operations().add(Operation.DELETE))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void describeListsEveryDeclaredKeySortedWithItsEffectiveValue() throws ConfigException {
        RunnerConfig config = ConfigLoader.fromMap(minimal("processor.family.table", "shop.orders",
                "debezium.snapshot.fetch.size", "500"));

        String[] lines = config.describe().split("\n");

        assertThat(java.util.Arrays.stream(lines).map(line -> line.substring(0, line.indexOf('='))).toList())
                .as("sorted by key").isSorted();
        assertThat(lines).hasSize(RunnerKeys.ALL.size() + 2);
        assertThat(lines).contains("source.port=3306", "source.operations=insert,truncate,drop", "source.password=******",
                "processor.jdbc.user=cdc", "processor.jdbc.password=******", "source.password.file=",
                "processor.family.table=shop.orders", "debezium.snapshot.fetch.size=500");
    }
}
