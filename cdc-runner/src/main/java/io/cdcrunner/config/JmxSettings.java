package io.cdcrunner.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The remote JMX connector: the {@code jmx.remote.*} keys. Local tools (jconsole, {@code cdc-runner status --pid})
 * attach without it.
 *
 * @param port         {@code jmx.remote.port}; 0 means no remote connector
 * @param host         {@code jmx.remote.host}, the address to listen on
 * @param passwordFile {@code jmx.remote.password.file}; required when the connector is on
 * @param accessFile   {@code jmx.remote.access.file}: readwrite users may pause and resume; empty means all read-only
 * @param ssl          {@code jmx.remote.ssl}
 */
public record JmxSettings(int port, String host, Optional<Path> passwordFile, Optional<Path> accessFile,
                          boolean ssl) {

    public JmxSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(accessFile, "accessFile");
    }

    /** Whether a remote connector is to be started. */
    public boolean enabled() {
        return port != 0;
    }
}
