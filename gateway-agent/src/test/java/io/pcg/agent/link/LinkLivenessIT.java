package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.net.BlackholeProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that goes silent without closing (a firewall or NAT dropped the flow) is found by the control stream's
 * keepalive and replaced, in seconds rather than after TCP's many-minute retransmission timeout.
 */
class LinkLivenessIT {

    @RegisterExtension
    static final DevConsoleExtension CONSOLES = DevConsoleExtension.shared();

    @TempDir
    Path tmp;

    @Test
    void aBlackholedConnectionIsDetectedAndTheAgentReconnects() throws Exception {
        DevConsole console = CONSOLES.console();
        GatewayService.IssuedPin issued = console.createGateway("pcg-blackhole");
        try (BlackholeProxy network = BlackholeProxy.start(console.grpcPort());
                AgentRun agent = AgentRun.start(
                        AgentRun.config(
                                "pcg-blackhole",
                                "https://localhost:" + network.port(),
                                issued.pin(),
                                tmp.resolve("agent"),
                                console.caFile()),
                        Map.of())) {
            Instant firstRegistration = agent.awaitConnected().lastRegisteredAt();
            int connectionsBefore = network.acceptedConnections();

            network.blackholeOpenConnections();

            // Acceptance bound, not a measurement: keepalive (10 s + 2 s in AgentRun's config) finds it well within.
            AgentStatus.Snapshot reconnected = await("the agent registers again over a new connection")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            agent::status,
                            s -> s.phase() == AgentStatus.Phase.CONNECTED
                                    && s.lastRegisteredAt().isAfter(firstRegistration));
            assertThat(network.acceptedConnections()).isGreaterThan(connectionsBefore);
            assertThat(reconnected.gatewayId()).isEqualTo(issued.gateway().id());
            String commandId = console.commands()
                    .submit(issued.gateway().id(), PingCommandHandler.TYPE, "{}")
                    .id();
            assertThat(console.commands()
                            .result(commandId)
                            .get(30, TimeUnit.SECONDS)
                            .getStatus())
                    .isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
        }
    }
}
