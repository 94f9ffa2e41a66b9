package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.common.secrets.Secret;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.net.LocalPorts;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each way of pointing at the wrong thing gets its own reason, and within the configured timeouts (bounds are
 * generous multiples: the point is "no hang", not a precise figure).
 */
class VsphereConnectErrorsIT {

    private static final String PASSWORD = "Err-P@ss-9981";
    private static final VsphereConfig SHORT =
            VsphereConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static HttpsServer webServer;
    private static ServerSocket plainServer;
    private static ServerSocket silentServer;
    private static final List<Socket> silentConnections = new ArrayList<>();
    private static LogCapture logs;

    @BeforeAll
    static void startServers() throws Exception {
        logs = LogCapture.capture();
        webServer = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webServer.setHttpsConfigurator(new HttpsConfigurator(SelfSignedTls.serverContext()));
        webServer.createContext("/", exchange -> {
            byte[] page = "<html><body>Welcome to nginx!</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(404, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        webServer.start();
        // Like nginx on port 80: answers anything, TLS hellos included, with a plain-text 400.
        plainServer = serve(socket -> {
            socket.getOutputStream()
                    .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.close();
        });
        silentServer = serve(silentConnections::add);
    }

    interface Connection {
        void accept(Socket socket) throws Exception;
    }

    private static ServerSocket serve(Connection handler) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    handler.accept(server.accept());
                } catch (Exception closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    @AfterAll
    static void stopServers() throws Exception {
        webServer.stop(0);
        plainServer.close();
        silentServer.close();
        for (Socket socket : silentConnections) {
            socket.close();
        }
        String logged = logs.all();
        logs.close();
        assertThat(logged).doesNotContain(PASSWORD);
    }

    private static VsphereException connect(String server, String thumbprint) {
        long start = System.nanoTime();
        VsphereException e = catchThrowableOfType(
                VsphereException.class,
                () -> VsphereConnector.connect(
                        VsphereLogin.of(server, "administrator@vsphere.local", Secret.of(PASSWORD), thumbprint),
                        SHORT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain(PASSWORD);
        assertThat(e.hint()).isNotBlank().doesNotContain(PASSWORD);
        return e;
    }

    @Test
    void unresolvableNameIsUnreachable() {
        VsphereException e = connect("vcenter.pcg-test.invalid", null);
        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains("does not resolve");
    }

    @Test
    void closedPortIsRefused() throws Exception {
        VsphereException e = connect("127.0.0.1:" + LocalPorts.free(), null);
        assertThat(e.reason()).isEqualTo(Reason.CONNECTION_REFUSED);
        assertThat(e.getMessage()).contains("nothing listens on port");
    }

    @Test
    void anotherHttpsServerIsNotAVcenter() {
        VsphereException e = connect(
                "127.0.0.1:" + webServer.getAddress().getPort(),
                pinOf(webServer.getAddress().getPort()));
        assertThat(e.reason()).isEqualTo(Reason.NOT_VCENTER);
        assertThat(e.getMessage()).contains("not a vCenter").contains("text/html");
    }

    @Test
    void plainHttpIsNotAVcenter() {
        VsphereException e = connect("127.0.0.1:" + plainServer.getLocalPort(), null);
        assertThat(e.reason()).isEqualTo(Reason.NOT_VCENTER);
        assertThat(e.getMessage()).contains("TLS");
    }

    @Test
    void serverThatNeverAnswersTimesOut() {
        VsphereException e = connect("127.0.0.1:" + silentServer.getLocalPort(), null);
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("did not complete a TLS handshake within 2s");
    }

    private static String pinOf(int port) {
        try {
            return CertificateProbe.fetch("127.0.0.1", port, Duration.ofSeconds(2))
                    .thumbprints()
                    .sha256();
        } catch (VsphereException e) {
            throw new AssertionError(e);
        }
    }
}
