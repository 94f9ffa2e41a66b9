package io.pcg.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a console restart, and what the console does on its own when an agent goes quiet. */
class RestartIT {

    @TempDir
    Path dataDir;

    @Test
    void restartedConsoleKeepsGatewaysAndCaSoPairedAgentsReconnectWithoutPin() throws Exception {
        int grpcPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            grpcPort = probe.getLocalPort();
        }
        Map<String, Object> samePort = Map.of("pcg.console.grpc-port", grpcPort);
        TestAgent.Identity identity;
        String caBefore;
        String gatewayId;
        try (EmbeddedConsole console = EmbeddedConsole.start(dataDir, samePort, null)) {
            AdminApi api = new AdminApi(console);
            AdminApi.Reply created = api.createGateway("pcg-restart");
            gatewayId = created.text("id");
            identity = TestAgent.pair(console, "pcg-restart", created.text("pin"));
            caBefore = Files.readString(console.caFile());
            ManagedChannel channel = TestAgent.channel(console, identity);
            TestAgent.Connection connection = TestAgent.connect(channel, false);
            connection.register();
            assertThat(connection.next().hasRegistered()).isTrue();
            console.close();
            Status ended = connection.awaitClosed();
            assertThat(ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            channel.shutdownNow();
        }

        try (EmbeddedConsole restarted = EmbeddedConsole.start(dataDir, samePort, null)) {
            AdminApi api = new AdminApi(restarted);
            assertThat(Files.readString(restarted.caFile())).isEqualTo(caBefore);
            AdminApi.Reply gateway = api.get("/api/gateways/" + gatewayId);
            assertThat(gateway.text("name")).isEqualTo("pcg-restart");
            assertThat(gateway.text("state")).isEqualTo("Offline");
            assertThat(gateway.body().get("pinUsed").getBooleanValue()).isTrue();

            ManagedChannel channel = TestAgent.channel(restarted, identity);
            try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
                connection.register();
                assertThat(connection.next().getRegistered().getGatewayId()).isEqualTo(gatewayId);
                assertThat(api.get("/api/gateways/" + gatewayId).text("state")).isEqualTo("Online");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void silentGatewayIsMarkedOfflineAndItsStreamClosed() throws Exception {
        try (EmbeddedConsole console = EmbeddedConsole.start(
                dataDir,
                Map.of("pcg.console.offline-after", "1s", "pcg.console.heartbeat-interval-seconds", 7),
                null)) {
            AdminApi api = new AdminApi(console);
            AdminApi.Reply created = api.createGateway("pcg-silent");
            TestAgent.Identity identity = TestAgent.pair(console, "pcg-silent", created.text("pin"));
            ManagedChannel channel = TestAgent.channel(console, identity);
            try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
                connection.register();
                assertThat(connection.next().getRegistered().getHeartbeatIntervalSeconds())
                        .isEqualTo(7);
                Status closed = connection.awaitClosed();
                assertThat(closed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(closed.getDescription()).contains("no heartbeat");
                assertThat(api.get("/api/gateways/" + created.text("id")).text("state"))
                        .isEqualTo("Offline");
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
