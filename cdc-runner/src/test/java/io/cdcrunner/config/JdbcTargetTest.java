package io.cdcrunner.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** What a message may show of a pool's target: never a password, whatever form the URL gives it in. */
@UnitTest
class JdbcTargetTest {

    private static String shown(String url) {
        return new JdbcTarget(url, "u", new Secret("pw")).shownUrl();
    }

    @Test
    void theShownUrlKeepsSchemeHostsAndDatabaseAndDropsEveryPlaceAPasswordCanBe() {
        assertThat(shown("jdbc:mysql://db.example:3306/app?user=u&password=secret")).isEqualTo("jdbc:mysql://db.example:3306/app");
        assertThat(shown("jdbc:mysql://u:secret@db.example/app")).isEqualTo("jdbc:mysql://db.example/app");
        assertThat(shown("jdbc:mysql://u:se@cret@db.example/app")).isEqualTo("jdbc:mysql://db.example/app");
        assertThat(shown("jdbc:mysql://(host=db,user=u,password=secret)/app")).isEqualTo("jdbc:mysql://.../app");
        assertThat(shown("jdbc:mysql://address=(host=db)(password=secret)/app")).isEqualTo("jdbc:mysql://.../app");
        assertThat(shown("jdbc:mysql://[2001:db8::1]:3306,replica:3307/")).isEqualTo("jdbc:mysql://[2001:db8::1]:3306,replica:3307/");
    }

    @Test
    void neitherTheUrlNorASecretIsInToString() {
        JdbcTarget target = new JdbcTarget("jdbc:mysql://db/app?password=url-secret", "u", new Secret("login-secret"),
                Map.of("trustCertificateKeyStorePassword", new Secret("store-secret")));
        assertThat(target.toString()).doesNotContain("url-secret", "login-secret", "store-secret", "jdbc:")
                .contains("trustCertificateKeyStorePassword");
    }
}
