package io.cdcrunner.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * Opens a JMX connection to a running daemon: remotely through its {@code jmx.remote.port}, or locally to a process
 * id through the Attach API (same user, a JDK with the {@code jdk.attach} module).
 */
final class DaemonConnection {

    private DaemonConnection() {
    }

    /** Connects to {@code host:port}, the daemon's {@code jmx.remote.host} and {@code jmx.remote.port}. */
    static JMXConnector remote(String hostPort, String user, Path passwordFile, boolean ssl, long timeoutSeconds)
            throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--jmx takes HOST:PORT, e.g. 127.0.0.1:9010, not '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        String port = hostPort.substring(colon + 1);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        if (passwordFile != null) {
            env.put(JMXConnector.CREDENTIALS, credentials(user, passwordFile));
        }
        if (ssl) {
            env.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
        }
        return withTimeout(() -> JMXConnectorFactory.connect(url, env), timeoutSeconds);
    }

    /** Connects to a local JVM by process id, starting its local management agent if needed. */
    static JMXConnector local(long pid, long timeoutSeconds) throws IOException {
        try {
            return withTimeout(() -> LocalAttach.connect(pid), timeoutSeconds);
        } catch (NoClassDefFoundError e) {
            throw new IOException("--pid needs a JDK with the jdk.attach module; this Java has none: use --jmx "
                    + "HOST:PORT with the daemon's jmx.remote.port instead");
        }
    }

    /**
     * User and password from a file in the daemon's {@code jmx.remote.password.file} format ({@code user password}
     * per line, # comments): the line of {@code user}, or the first line when no user is given.
     */
    static String[] credentials(String user, Path passwordFile) throws IOException {
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 2);
            if (parts.length == 2 && (user == null || user.equals(parts[0]))) {
                return new String[] {parts[0], parts[1]};
            }
            if (parts.length == 1 && user != null) {
                return new String[] {user, parts[0]};
            }
        }
        throw new IOException("no " + (user == null ? "'user password' line" : "password for JMX user " + user)
                + " in " + passwordFile);
    }

    private interface Connect {
        JMXConnector open() throws IOException;
    }

    /** RMI can hang on a host that drops packets; a health check must answer in time. */
    private static JMXConnector withTimeout(Connect connect, long timeoutSeconds) throws IOException {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jmx-connect");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<JMXConnector> connection = executor.submit(connect::open);
            return connection.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + timeoutSeconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause.getMessage(), cause);
        } finally {
            executor.shutdownNow();
        }
    }
}
