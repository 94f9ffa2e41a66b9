package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.pcg.agent.health.AgentStatus;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.proxy.Tinyproxy;
import io.pcg.testkit.proxy.TinyproxyExtension;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each failure an operator can meet on the way to the console, produced for real and reported as its own problem. */
class ConnectionProblemsIT {

    private static final String PIN = "ABCD1234";
    private static final String PROXY_USER = "pcg";
    private static final String PROXY_PASSWORD = "Pr0xy-Pa55";

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final TinyproxyExtension proxies = new TinyproxyExtension();

    @TempDir
    static Path tmp;

    private static DevConsole console;

    @BeforeAll
    static void console() {
        console = CONSOLE.console();
    }

    private static AgentStatus.Snapshot problemOf(String endpoint, Path caFile, Map<String, String> environment)
            throws Exception {
        try (AgentRun agent = AgentRun.start(
                AgentRun.config("pcg-dc1", endpoint, PIN, tmp.resolve("agent-" + System.nanoTime()), caFile),
                environment)) {
            return agent.awaitProblem();
        }
    }

    @Test
    void anEndpointWithATrailingSlashIsRejectedBeforeAnyConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            AgentStatus.Snapshot status =
                    problemOf("https://127.0.0.1:" + listener.getLocalPort() + "/", null, Map.of());

            assertThat(status.problem()).isEqualTo(ConnectionProblem.ENDPOINT_INVALID.name());
            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(status.message())
                    .contains("trailing slash")
                    .contains("https://127.0.0.1:" + listener.getLocalPort());
            assertThat(status.hint()).contains("no trailing slash");
            listener.setSoTimeout(300);
            assertThatThrownBy(listener::accept)
                    .as("the agent must not have connected")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void anEndpointWithAPathIsRejected() throws Exception {
        AgentStatus.Snapshot status = problemOf("https://console.example.com/tenant", null, Map.of());

        assertThat(status.problem()).isEqualTo(ConnectionProblem.ENDPOINT_INVALID.name());
        assertThat(status.message()).contains("path");
    }

    @Test
    void anUnresolvableHostIsADnsFailure() throws Exception {
        // The agent retries by itself, so the phase alternates between waiting (RETRYING) and trying again (PAIRING)
        // while the problem stays; the first waits are a few milliseconds, so wait for one to be seen.
        AgentStatus.Snapshot status;
        try (AgentRun agent = AgentRun.start(
                AgentRun.config(
                        "pcg-dc1", "https://nonexistent.invalid", PIN, tmp.resolve("agent-" + System.nanoTime()), null),
                Map.of())) {
            status = agent.await(s -> !s.problem().isEmpty() && s.phase() == AgentStatus.Phase.RETRYING);
        }

        assertThat(status.problem()).isEqualTo(ConnectionProblem.DNS_FAILURE.name());
        assertThat(status.message()).contains("nonexistent.invalid");
    }

    @Test
    void aClosedPortIsATcpConnectFailure() throws Exception {
        AgentStatus.Snapshot status = problemOf("https://localhost:" + LocalPorts.free(), null, Map.of());

        assertThat(status.problem()).isEqualTo(ConnectionProblem.TCP_CONNECT_FAILED.name());
        assertThat(status.message()).contains("Connection refused");
    }

    @Test
    void aServerWithoutTlsIsATlsFailure() throws Exception {
        Server plaintext = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new FakeGatewayService())
                .build()
                .start();
        try {
            AgentStatus.Snapshot status =
                    problemOf("https://localhost:" + plaintext.getPort(), console.caFile(), Map.of());

            assertThat(status.problem()).isEqualTo(ConnectionProblem.TLS_FAILED.name());
        } finally {
            plaintext.shutdownNow();
        }
    }

    @Test
    void aConsoleCertificateFromAnUntrustedCaIsATlsFailure() throws Exception {
        AgentStatus.Snapshot status = problemOf(console.endpoint(), null, Map.of());

        assertThat(status.problem()).isEqualTo(ConnectionProblem.TLS_FAILED.name());
        assertThat(status.message()).contains("not trusted");
    }

    @Test
    void aWrongProxyPasswordIsAProxyAuthenticationFailure() throws Exception {
        Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, console.grpcPort());
        AgentStatus.Snapshot status =
                problemOf(console.endpoint(), console.caFile(), Map.of("HTTPS_PROXY", proxy.url("wrong-password")));

        assertThat(status.problem()).isEqualTo(ConnectionProblem.PROXY_AUTH_FAILED.name());
        assertThat(status.message()).containsPattern("answered 40[17]").doesNotContain("wrong-password");
        assertThat(status.hint()).contains("HTTPS_PROXY");
    }

    @Test
    void aProxyThatRefusesTheTunnelIsReportedAsRefused() throws Exception {
        Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, 1);
        AgentStatus.Snapshot status =
                problemOf(console.endpoint(), console.caFile(), Map.of("HTTPS_PROXY", proxy.url(PROXY_PASSWORD)));

        assertThat(status.problem()).isEqualTo(ConnectionProblem.PROXY_REFUSED.name());
        assertThat(status.message()).contains("403");
    }

    @Test
    void aProxyThatIsNotThereIsUnreachable() throws Exception {
        AgentStatus.Snapshot status = problemOf(
                console.endpoint(), console.caFile(), Map.of("HTTPS_PROXY", "http://127.0.0.1:" + LocalPorts.free()));

        assertThat(status.problem()).isEqualTo(ConnectionProblem.PROXY_UNREACHABLE.name());
    }

    @Test
    void noProxyExemptsTheConsole() throws Exception {
        var issued = console.createGateway("pcg-direct");
        try (AgentRun agent = AgentRun.start(
                AgentRun.config(
                        "pcg-direct", console.endpoint(), issued.pin(), tmp.resolve("direct"), console.caFile()),
                Map.of(
                        "HTTPS_PROXY",
                        "http://127.0.0.1:" + LocalPorts.free(),
                        "NO_PROXY",
                        "vcenter.example.com,localhost"))) {
            agent.awaitConnected();
        }
    }

    @Test
    void anInvalidProxySettingIsAConfigurationProblemWithoutThePassword() throws Exception {
        AgentStatus.Snapshot status = problemOf(
                console.endpoint(), console.caFile(), Map.of("HTTPS_PROXY", "socks5://u:Secr3tPw@proxy:1080"));

        assertThat(status.problem()).isEqualTo(ConnectionProblem.CONFIG_INVALID.name());
        assertThat(status.message()).contains("HTTPS_PROXY").doesNotContain("Secr3tPw");
    }
}
