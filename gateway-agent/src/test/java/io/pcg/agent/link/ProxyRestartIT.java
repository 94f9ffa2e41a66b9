package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.proxy.Tinyproxy;
import io.pcg.testkit.proxy.TinyproxyExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy between agent and console dies and comes back on the same port: the agent reports it, then reconnects;
 * a command running meanwhile runs once and is answered once, on the new stream.
 */
class ProxyRestartIT {

    private static final String PROXY_USER = "pcg";
    private static final String PROXY_PASSWORD = "Pr0xy-Rest4rt";

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final TinyproxyExtension proxies = new TinyproxyExtension();

    @TempDir
    Path tmp;

    @Test
    void theAgentReconnectsThroughTheProxyOnceItIsBack() throws Exception {
        DevConsole console = CONSOLE.console();
        Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, console.grpcPort());
        GatewayService.IssuedPin issued = console.createGateway("pcg-proxy-restart");
        try (AgentRun agent = AgentRun.start(
                AgentRun.config(
                        "pcg-proxy-restart", console.endpoint(), issued.pin(), tmp.resolve("agent"), console.caFile()),
                Map.of("HTTPS_PROXY", proxy.url(PROXY_PASSWORD)))) {
            Instant firstRegistration = agent.awaitConnected().lastRegisteredAt();

            proxy.stop();
            AgentStatus.Snapshot down =
                    agent.await(s -> s.problem().equals(ConnectionProblem.PROXY_UNREACHABLE.name()));
            // The problem stays on show while the next attempt runs, so the phase may already be CONNECTING again.
            assertThat(down.phase())
                    .as("a dead proxy is retried, not handed to the operator")
                    .isIn(AgentStatus.Phase.RETRYING, AgentStatus.Phase.CONNECTING);
            assertThat(down.message()).doesNotContain(PROXY_PASSWORD);

            proxy.restart();
            AgentStatus.Snapshot back = agent.await(s -> s.phase() == AgentStatus.Phase.CONNECTED
                    && s.lastRegisteredAt().isAfter(firstRegistration));
            assertThat(back.gatewayId()).isEqualTo(issued.gateway().id());
            String commandId = console.commands()
                    .submit(issued.gateway().id(), PingCommandHandler.TYPE, "{}")
                    .id();
            assertThat(console.commands()
                            .result(commandId)
                            .get(30, TimeUnit.SECONDS)
                            .getStatus())
                    .isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
        }
        assertThat(proxy.log())
                .as("the new stream went through the restarted proxy")
                .containsPattern("(?s)CONNECT localhost:" + console.grpcPort() + ".*CONNECT localhost:"
                        + console.grpcPort() + ".*CONNECT localhost:" + console.grpcPort());
    }

    @Test
    void aCommandRunningWhileTheProxyRestartsRunsOnceAndIsAnsweredOnTheNewStream() throws Exception {
        DevConsole console = CONSOLE.console();
        Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, console.grpcPort());
        GatewayService.IssuedPin issued = console.createGateway("pcg-proxy-mid-command");
        BlockingHandler blocking = new BlockingHandler();
        try (AgentRun agent = AgentRun.start(
                AgentRun.config(
                        "pcg-proxy-mid-command",
                        console.endpoint(),
                        issued.pin(),
                        tmp.resolve("agent"),
                        console.caFile()),
                Map.of("HTTPS_PROXY", proxy.url(PROXY_PASSWORD)),
                List.of(blocking))) {
            Instant firstRegistration = agent.awaitConnected().lastRegisteredAt();
            String commandId = console.commands()
                    .submit(issued.gateway().id(), BlockingHandler.TYPE, "{}")
                    .id();
            assertThat(blocking.started.await(30, TimeUnit.SECONDS))
                    .as("the handler started")
                    .isTrue();
            Instant firstSent = console.commands().get(commandId).sentAt();

            proxy.stop();
            agent.await(s -> s.problem().equals(ConnectionProblem.PROXY_UNREACHABLE.name()));
            proxy.restart();
            agent.await(s -> s.phase() == AgentStatus.Phase.CONNECTED
                    && s.lastRegisteredAt().isAfter(firstRegistration));
            // The console sends every unfinished command again on the new stream; the agent must only acknowledge it.
            await("the console re-sent the running command")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> console.commands().get(commandId).sentAt().isAfter(firstSent));
            blocking.release.countDown();

            CommandResult result = console.commands().result(commandId).get(30, TimeUnit.SECONDS);
            assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
            assertThat(result.getPayloadJson()).isEqualTo("{\"run\":1}");
            assertThat(blocking.runs.get()).as("the handler ran once").isEqualTo(1);
            assertThat(console.commands().list(issued.gateway().id()))
                    .as("one command, finished once")
                    .singleElement()
                    .satisfies(record -> assertThat(record.status()).isEqualTo(CommandState.SUCCEEDED));
        } finally {
            blocking.release.countDown();
        }
    }
}
