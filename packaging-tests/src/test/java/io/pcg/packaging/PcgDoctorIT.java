package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pcg.cli.Pcg;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.proxy.Tinyproxy;
import io.pcg.testkit.proxy.TinyproxyExtension;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pcg doctor} against the test kit's real servers: the dev-console through tinyproxy with basic auth (right and
 * wrong password), and vcsim against the thumbprint the agent's management port reports (served here by a small
 * HTTP server with the agent's {@code GET /status} JSON; ManagementPortIT runs pcg against the real agent).
 */
class PcgDoctorIT {

    private static final String PROXY_USER = "pcg";
    private static final String PROXY_PASSWORD = "Pr0xy-Right-7731";
    private static final String WRONG_PASSWORD = "Pr0xy-Wrong-1234";

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    final TinyproxyExtension proxies = new TinyproxyExtension();

    @TempDir
    Path tmp;

    @Test
    void aWrongProxyPasswordIsItsOwnFailAndTheRightOneReachesTheConsoleOverHttp2() throws IOException {
        URI console = URI.create(CONSOLE.console().endpoint());
        Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, console.getPort());

        Run wrong = doctor(proxy.url(WRONG_PASSWORD), null);
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.line("proxy reachable")).startsWith("PASS");
        // tinyproxy refuses bad credentials on CONNECT with 407 or, depending on the request, 401: both mean the same.
        assertThat(wrong.line("proxy authentication"))
                .startsWith("FAIL")
                .contains("wrong proxy credentials")
                .containsPattern("40[17]");
        assertThat(wrong.fixAfter("proxy authentication"))
                .contains("http://user:password@host:port")
                .contains("HTTPS_PROXY");
        assertThat(wrong.line("console TLS")).startsWith("SKIP");
        assertThat(wrong.out() + wrong.err())
                .doesNotContain(WRONG_PASSWORD)
                .contains("http://pcg:<redacted>@127.0.0.1:" + proxy.port());

        Run right = doctor(proxy.url(PROXY_PASSWORD), null);
        assertThat(right.line("proxy authentication")).startsWith("PASS").contains("accepted the credentials of pcg");
        assertThat(right.line("proxy CONNECT")).startsWith("PASS");
        assertThat(right.line("console TLS"))
                .startsWith("PASS")
                .contains("TLS verified, HTTP/2 (ALPN h2) agreed")
                .contains("through http://pcg:<redacted>@");
        assertThat(right.out() + right.err()).doesNotContain(PROXY_PASSWORD);
    }

    @Test
    void aVcenterThumbprintMismatchIsItsOwnFailAndTheRightOnePasses() throws Exception {
        String server = VCSIM.vcsim().server();
        String live = sha256(server);
        String other = live.substring(0, live.length() - 2) + (live.endsWith("00") ? "11" : "00");

        Run mismatch = doctor(null, vcenterStatus(server, other));
        assertThat(mismatch.exitCode()).isEqualTo(1);
        assertThat(mismatch.line("vCenter certificate"))
                .startsWith("FAIL")
                .contains("thumbprint mismatch")
                .contains("presents SHA-256 " + live)
                .contains("pinned to " + other);
        assertThat(mismatch.fixAfter("vCenter certificate"))
                .contains("update the thumbprint of the gateway's cloud account");

        Run match = doctor(null, vcenterStatus(server, live));
        assertThat(match.line("vCenter certificate")).startsWith("PASS").contains("presents the pinned certificate");
    }

    /** The agent's GET /status as far as the vCenter check reads it. */
    private static String vcenterStatus(String server, String thumbprint) {
        return "{\"agent\":{\"phase\":\"CONNECTED\",\"gatewayId\":\"gw-1\"},\"vcenter\":{\"server\":\"" + server
                + "\",\"thumbprint\":\"" + thumbprint + "\"}}";
    }

    private Run doctor(String httpsProxy, String agentStatus) throws IOException {
        Path config = tmp.resolve("agent.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "pcg:",
                        "  agent:",
                        "    console-endpoint: " + CONSOLE.console().endpoint(),
                        "    console-ca-file: " + CONSOLE.console().caFile(),
                        "    state-dir: " + tmp.resolve("state"),
                        ""));
        HttpServer agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agent.createContext("/status", exchange -> {
            byte[] body = (agentStatus == null ? "{\"agent\":{\"phase\":\"CONNECTED\"}}" : agentStatus)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        agent.start();
        try {
            List<String> args = new ArrayList<>(List.of(
                    "--config",
                    config.toString(),
                    "--agent-url",
                    "http://127.0.0.1:" + agent.getAddress().getPort(),
                    "doctor",
                    "--timeout",
                    "5s",
                    "--ntp-server",
                    "127.0.0.1:" + closedPort(),
                    "--egress",
                    URI.create(CONSOLE.console().endpoint()).getAuthority(),
                    "--chrony-config",
                    tmp.resolve("chrony.conf").toString()));
            Map<String, String> environment =
                    httpsProxy == null ? Map.of() : Map.of("HTTPS_PROXY", httpsProxy, "NO_PROXY", "");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exitCode =
                    Pcg.execute(environment, new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            return new Run(exitCode, out.toString(), err.toString());
        } finally {
            agent.stop(0);
        }
    }

    /** The SHA-256 fingerprint of the certificate the server presents, as vSphere shows it. */
    private static String sha256(String server) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        String[] hostPort = server.split(":");
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.startHandshake();
            byte[] der = socket.getSession().getPeerCertificates()[0].getEncoded();
            return HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private record Run(int exitCode, String out, String err) {

        String line(String check) {
            return out.lines()
                    .filter(line -> line.length() > 6 && line.substring(6).startsWith(check + " "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + check + "' line in:\n" + out + err));
        }

        String fixAfter(String check) {
            List<String> lines = out.lines().toList();
            int index = lines.indexOf(line(check));
            return index + 1 < lines.size() ? lines.get(index + 1) : "";
        }
    }
}
