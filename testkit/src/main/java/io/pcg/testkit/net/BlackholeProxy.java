package io.pcg.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1 in front of a test server that can turn the connections it holds into black holes:
 * {@link #blackholeOpenConnections()} keeps them open but swallows every byte from then on in both directions, as a
 * firewall or NAT that silently dropped the flow does. Neither side sees a FIN or RST, so only a timeout or a ping
 * can tell the connection is dead. Connections opened later are forwarded normally, so a client that reconnects gets
 * through.
 * <pre>{@code
 * try (BlackholeProxy proxy = BlackholeProxy.start(serverPort)) {
 *     ... connect to "localhost:" + proxy.port() ...
 *     proxy.blackholeOpenConnections();
 * }
 * }</pre>
 */
public final class BlackholeProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private BlackholeProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "blackhole-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Forwards from a free port on 127.0.0.1 to 127.0.0.1:{@code targetPort}. */
    public static BlackholeProxy start(int targetPort) {
        try {
            return new BlackholeProxy(targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1 for the black-hole proxy", e);
        }
    }

    /** The port clients connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far, black-holed ones included: a reconnect shows up here. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** From now on the connections open at this moment swallow everything in both directions and stay open. */
    public void blackholeOpenConnections() {
        connections.forEach(connection -> connection.blackholed = true);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                Connection connection = new Connection(client, server);
                connections.add(connection);
                pump(connection, client, server, "client->server");
                pump(connection, server, client, "server->client");
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                // The target refused or the client left at once: that connection fails, the proxy keeps accepting.
            }
        }
    }

    private void pump(Connection connection, Socket from, Socket to, String direction) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream()) {
                        OutputStream out = to.getOutputStream();
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            if (!connection.blackholed) {
                                out.write(buffer, 0, read);
                                out.flush();
                            }
                        }
                    } catch (IOException closed) {
                        // One side closed or reset: the connection ends, as below.
                    }
                    // A black hole passes no end of the connection either: the other side must find out by itself.
                    if (!connection.blackholed) {
                        connection.close();
                    }
                },
                "blackhole-proxy-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.forEach(Connection::close);
    }

    private static final class Connection {
        private final Socket client;
        private final Socket server;
        private volatile boolean blackholed;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            for (Socket socket : List.of(client, server)) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }
}
