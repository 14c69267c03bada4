package io.cdcrunner.config;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where one of the daemon's pools connects, every fallback already resolved by the configuration: a pool whose key is
 * unset gets the URL of the pool it defaults to, down to the source server's own URL ({@link SourceSettings#jdbcUrl}).
 * {@link #toString()} shows neither the URL (a user's URL may carry credentials) nor any secret.
 *
 * @param url           the JDBC URL
 * @param user          the login
 * @param password      its password
 * @param driverSecrets driver properties that are secrets: the {@code source.ssl.*} key store passwords when
 *                      {@code url} is the source server's own (a user's URL carries its own TLS settings)
 * @param source        when this is the source server's own URL: the source, whose server read now
 *                      {@link #url()} names (with several servers in {@code source.host}, it changes after a
 *                      failover); null for a URL of the user's
 */
public record JdbcTarget(String url, String user, Secret password, Map<String, Secret> driverSecrets,
                         SourceSettings source) {

    public JdbcTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        driverSecrets = Map.copyOf(driverSecrets);
    }

    /** A target of a URL of the user's. */
    public JdbcTarget(String url, String user, Secret password, Map<String, Secret> driverSecrets) {
        this(url, user, password, driverSecrets, null);
    }

    /** A target with no driver properties. */
    public JdbcTarget(String url, String user, Secret password) {
        this(url, user, password, Map.of());
    }

    /** The JDBC URL: for the source's own, that of the server read now. */
    @Override
    public String url() {
        return source == null ? url : source.jdbcUrl("");
    }

    /** The same server (following the source's, if it is the source's) with another login. */
    public JdbcTarget withLogin(String user, Secret password) {
        return new JdbcTarget(url, user, password, driverSecrets, source);
    }

    /** Whether the server behind {@link #url()} can change while the daemon runs (several servers in source.host). */
    public boolean followsSource() {
        return source != null && source.servers().several();
    }

    /** {@link #driverSecrets}, revealed, for a driver or a pool's data source properties. */
    public Properties driverProperties() {
        Properties properties = new Properties();
        driverSecrets.forEach((key, secret) -> properties.setProperty(key, secret.reveal()));
        return properties;
    }

    /**
     * The URL's scheme, hosts and database, safe to show in a message: no parameters, nothing up to an {@code @} in
     * the hosts ({@code user:password@}), and hosts written as key-value pairs ({@code (host=h,password=p)},
     * {@code address=(host=h)(password=p)}), which can hold a password, shown as {@code ...}.
     */
    public String shownUrl() {
        String url = url();
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int authority = base.indexOf("//");
        if (authority < 0) {
            return base;
        }
        int path = base.indexOf('/', authority + 2);
        String hosts = base.substring(authority + 2, path < 0 ? base.length() : path);
        hosts = hosts.substring(hosts.lastIndexOf('@') + 1);
        if (hosts.contains("=") || hosts.contains("(")) {
            hosts = "...";
        }
        return base.substring(0, authority + 2) + hosts + (path < 0 ? "" : base.substring(path));
    }

    @Override
    public String toString() {
        return "JdbcTarget[user=" + user + ", password=" + password + ", driverSecrets="
                + new TreeMap<>(driverSecrets).keySet() + "]";
    }
}
