package io.cdcrunner.config;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The servers {@code source.host} names ({@code db1:3306,db2:3306}, or one name) and which of them the daemon reads
 * now. Every connection to the source ({@link SourceSettings#host()}, {@link SourceSettings#port()}) goes to the
 * current one; the binlog source moves it when the server it read is lost and another one takes over.
 *
 * <p>An entry is {@code host}, {@code host:port}, {@code [IPv6]} or {@code [IPv6]:port}; without a port it is
 * {@code source.port}. One bare IPv6 literal ({@code ::1}) is one server, as before lists existed.
 */
public final class SourceServers {

    /** One server of the list. */
    public record Server(String host, int port) {

        public Server {
            Objects.requireNonNull(host, "host");
        }

        /** {@code host:port}, bracketed for an IPv6 literal. */
        public String address() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return address();
        }
    }

    /** The server read now, since when, and why it was chosen. */
    public record Current(Server server, Instant since, String reason) {
    }

    private final List<Server> servers;
    private volatile Current current;
    private volatile boolean moved;
    /** Told of each move; a listener returning false is dropped (its pool was closed). */
    private final List<java.util.function.BooleanSupplier> moveListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private SourceServers(List<Server> servers) {
        this.servers = List.copyOf(servers);
        this.current = new Current(servers.get(0), Instant.now(), "the first server listed");
    }

    /** Just {@code server}. */
    public static SourceServers of(Server server) {
        return new SourceServers(List.of(server));
    }

    /**
     * The servers of {@code source.host}, each with {@code defaultPort} unless it names its own.
     *
     * @throws IllegalArgumentException naming the entry that is no server address
     */
    public static SourceServers parse(String hosts, int defaultPort) {
        List<Server> list = new ArrayList<>();
        String trimmed = hosts.trim();
        if (!trimmed.contains(",") && !trimmed.startsWith("[") && trimmed.indexOf(':') != trimmed.lastIndexOf(':')) {
            return new SourceServers(List.of(new Server(trimmed, defaultPort)));
        }
        for (String raw : trimmed.split(",", -1)) {
            list.add(entry(raw.trim(), defaultPort));
        }
        return new SourceServers(list);
    }

    private static Server entry(String entry, int defaultPort) {
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("an empty entry in the list of servers: write host[:port] entries "
                    + "separated by commas, e.g. db1:3306,db2:3306");
        }
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + entry + "' opens an IPv6 literal with [ but does not close it");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + entry + "': after ] only :port may follow");
                }
                port = rest.substring(1);
            }
        } else if (entry.indexOf(':') >= 0) {
            if (entry.indexOf(':') != entry.lastIndexOf(':')) {
                throw new IllegalArgumentException("'" + entry + "' looks like an IPv6 literal: in a list write it as"
                        + " [" + entry + "] or [" + entry + "]:port");
            }
            host = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("'" + entry + "' names no host");
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("'" + entry + "': the port must be a number from 1 to 65535");
            }
        }
        return new Server(host, number);
    }

    /** Every server listed, in order. */
    public List<Server> all() {
        return servers;
    }

    /** Whether {@code source.host} lists more than one server. */
    public boolean several() {
        return servers.size() > 1;
    }

    public Current current() {
        return current;
    }

    /** Whether the daemon read another server than the first listed at any time since it started. */
    public boolean moved() {
        return moved;
    }

    /** Reads {@code server} from now on, for {@code reason} (logged by the caller, shown by status and JMX). */
    public void use(Server server, String reason) {
        if (!servers.contains(server)) {
            throw new IllegalArgumentException(server + " is not one of " + servers);
        }
        Current now = current;
        boolean moved = !now.server().equals(server);
        if (moved || !now.reason().equals(reason)) {
            current = new Current(server, moved ? Instant.now() : now.since(), reason);
        }
        if (moved) {
            this.moved = true;
            moveListeners.removeIf(listener -> !listener.getAsBoolean());
        }
    }

    /**
     * Calls {@code listener} after each move to another server (a pool drops its connections to the old one), until
     * it returns false.
     */
    public void onMove(java.util.function.BooleanSupplier listener) {
        moveListeners.add(listener);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceServers other && other.servers.equals(servers);
    }

    @Override
    public int hashCode() {
        return servers.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", servers.stream().map(Server::address).toList());
    }
}
