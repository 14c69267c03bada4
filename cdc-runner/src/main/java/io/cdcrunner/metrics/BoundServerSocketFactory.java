package io.cdcrunner.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;

import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * RMI server sockets bound to one address (the JDK's defaults listen on every interface), plain or TLS. Equal
 * factories let the RMI registry and the JMX connector share one port.
 */
final class BoundServerSocketFactory implements RMIServerSocketFactory {

    private final InetAddress address;
    private final boolean ssl;

    BoundServerSocketFactory(InetAddress address, boolean ssl) {
        this.address = Objects.requireNonNull(address, "address");
        this.ssl = ssl;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocketFactory sockets = ssl ? SSLServerSocketFactory.getDefault() : ServerSocketFactory.getDefault();
        return sockets.createServerSocket(port, 0, address);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BoundServerSocketFactory that && that.address.equals(address) && that.ssl == ssl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, ssl);
    }
}
