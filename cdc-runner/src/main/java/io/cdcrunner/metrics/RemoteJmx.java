package io.cdcrunner.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.rmi.ssl.SslRMIClientSocketFactory;

import io.cdcrunner.config.JmxSettings;

/**
 * The remote JMX connector ({@code jmx.remote.*}): an RMI registry and the connector on one port, bound to one
 * address, with password authentication always, TLS required off the loopback interface, and {@link JmxAccessGuard}
 * deciding what an authenticated user may do (read; pause and resume for operators). The URL is
 * {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}, what jconsole and {@code cdc-runner status --jmx HOST:PORT}
 * use.
 */
public final class RemoteJmx implements AutoCloseable {

    private static final Set<PosixFilePermission> OTHERS_MAY_READ = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final Registry registry;
    private final JMXConnectorServer server;

    private RemoteJmx(Registry registry, JMXConnectorServer server) {
        this.registry = registry;
        this.server = server;
    }

    /**
     * Starts the connector.
     *
     * @throws IOException with a message naming the key to change (port taken, unknown host, unsafe password file)
     */
    public static RemoteJmx start(JmxSettings settings) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.host());
        } catch (IOException e) {
            throw new IOException("jmx.remote.host " + settings.host() + " is not a known address of this machine", e);
        }
        if (!address.isLoopbackAddress() && !settings.ssl()) {
            throw new IOException("jmx.remote.host " + settings.host() + " accepts connections from other machines:"
                    + " set jmx.remote.ssl=true (passwords would cross the network in clear), or listen on 127.0.0.1");
        }
        Path passwords = settings.passwordFile().orElseThrow(() -> new IOException("remote JMX needs"
                + " jmx.remote.password.file: without it any local user could connect"));
        checkOwnerOnly("jmx.remote.password.file", passwords);
        Map<String, Object> env = new HashMap<>();
        env.put("jmx.remote.x.password.file", passwords.toString());
        if (settings.accessFile().isPresent()) {
            checkOwnerOnly("jmx.remote.access.file", settings.accessFile().get());
            env.put("jmx.remote.x.access.file", settings.accessFile().get().toString());
        }
        // The parameters of requests (names, queries, attribute lists) are of these packages; nothing else is
        // deserialized, so no gadget class of the class path is reached.
        env.put("jmx.remote.rmi.server.serial.filter.pattern",
                "java.lang.*;java.util.*;java.rmi.MarshalledObject;javax.management.*;javax.management.openmbean.*;!*");
        // An MLet, were one created anyway, must not load code from a URL.
        System.setProperty("jmx.remote.x.mlet.allow.getMBeansFromURL", "false");
        BoundServerSocketFactory sockets = new BoundServerSocketFactory(address, settings.ssl());
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        SslRMIClientSocketFactory clientSockets = settings.ssl() ? new SslRMIClientSocketFactory() : null;
        if (clientSockets != null) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
        }
        // RMI stubs carry this host name; without it they may name an address the connector does not listen on.
        if (System.getProperty("java.rmi.server.hostname") == null && !address.isAnyLocalAddress()) {
            System.setProperty("java.rmi.server.hostname", settings.host());
        }
        Registry registry;
        try {
            registry = LocateRegistry.createRegistry(settings.port(), clientSockets, sockets);
        } catch (IOException e) {
            throw new IOException("cannot listen for remote JMX on " + settings.host() + ":" + settings.port() + " ("
                    + e.getCause() + "): choose a free jmx.remote.port, or 0 for none", e);
        }
        String host = address.isAnyLocalAddress() ? "localhost" : settings.host();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + settings.port()
                + "/jndi/rmi://" + host + ":" + settings.port() + "/jmxrmi");
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, env,
                ManagementFactory.getPlatformMBeanServer());
        try {
            server.setMBeanServerForwarder(JmxAccessGuard.forwarder(settings.accessFile()));
            server.start();
        } catch (IOException e) {
            unexport(registry);
            throw new IOException("cannot start the remote JMX connector on " + host + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        return new RemoteJmx(registry, server);
    }

    /** The JDK refuses to trust a password file others can read; so do we, and the same for the access file. */
    private static void checkOwnerOnly(String key, Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(key + " " + file + " does not exist or is not readable by the daemon's user");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS_MAY_READ::contains)) {
                throw new IOException(key + " " + file + " can be read or written by other users: chmod 600 " + file);
            }
        }
    }

    /** The address clients connect to. */
    public JMXServiceURL address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            // Stopping only fails if clients are unreachable; the port is released below anyway.
        }
        unexport(registry);
    }

    private static void unexport(Registry registry) {
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException e) {
            // already gone
        }
    }
}
