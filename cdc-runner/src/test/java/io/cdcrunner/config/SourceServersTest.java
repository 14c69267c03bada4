package io.cdcrunner.config;

import static io.cdcrunner.config.ConfigFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class SourceServersTest {

    @Test
    void oneHostIsOneServerOnSourcePortAsBefore() {
        assertThat(SourceServers.parse("db1", 3307).all()).containsExactly(new SourceServers.Server("db1", 3307));
        assertThat(SourceServers.parse("::1", 3306).all()).containsExactly(new SourceServers.Server("::1", 3306));
        assertThat(SourceServers.parse("[::1]", 3306).all()).containsExactly(new SourceServers.Server("::1", 3306));
        assertThat(SourceServers.parse("db1", 3306).several()).isFalse();
    }

    @Test
    void aListNamesEachServerWithItsOwnPortOrSourcePort() {
        SourceServers servers = SourceServers.parse(" db1:3310, db2 ,[fd00::7]:3311,[fd00::8]", 3306);

        assertThat(servers.all()).containsExactly(new SourceServers.Server("db1", 3310),
                new SourceServers.Server("db2", 3306), new SourceServers.Server("fd00::7", 3311),
                new SourceServers.Server("fd00::8", 3306));
        assertThat(servers.several()).isTrue();
        assertThat(servers.all().get(2).address()).isEqualTo("[fd00::7]:3311");
    }

    @Test
    void entriesThatAreNoServerAreRefusedNamingTheEntry() {
        for (String bad : List.of("db1,,db2", "db1:port", "db1:0", "db1:70000", "[fd00::7", "[fd00::7]x",
                "db1,fd00::7", ":3306")) {
            assertThatThrownBy(() -> SourceServers.parse(bad, 3306)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> SourceServers.parse("db1,fd00::7", 3306)).hasMessageContaining("[fd00::7]");
    }

    @Test
    void theConfigurationRefusesABadListAndReadsAGoodOne() throws Exception {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.fromMap(minimal("source.host", "db1,,db2")));
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("source.host");

        SourceSettings source = ConfigLoader.fromMap(minimal("source.host", "db1:3310,db2", "source.port", "3307"))
                .source();
        assertThat(source.host()).isEqualTo("db1");
        assertThat(source.port()).isEqualTo(3310);
        assertThat(source.configuredHosts()).isEqualTo("db1:3310,db2");
        assertThat(source.jdbcUrl("")).startsWith("jdbc:mysql://db1:3310/");
    }

    @Test
    void connectionsFollowTheServerReadNow() throws Exception {
        SourceSettings source = ConfigLoader.fromMap(minimal("source.host", "db1:3310,db2:3311")).source();
        JdbcTarget pool = source.jdbcTarget("app", new Secret("pw"));
        JdbcTarget ownUrl = new JdbcTarget("jdbc:mysql://elsewhere:3306/", "app", new Secret("pw"));

        source.servers().use(new SourceServers.Server("db2", 3311), "db1 lost");

        assertThat(source.host()).isEqualTo("db2");
        assertThat(source.address()).isEqualTo("db2:3311");
        assertThat(pool.url()).startsWith("jdbc:mysql://db2:3311/");
        assertThat(pool.withLogin("other", new Secret("x")).url()).startsWith("jdbc:mysql://db2:3311/");
        assertThat(pool.followsSource()).isTrue();
        assertThat(ownUrl.followsSource()).isFalse();
        assertThat(source.servers().current().reason()).isEqualTo("db1 lost");
        assertThatThrownBy(() -> source.servers().use(new SourceServers.Server("db3", 3306), "no"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
