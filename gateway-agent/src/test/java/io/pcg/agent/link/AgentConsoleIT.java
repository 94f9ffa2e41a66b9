package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.Register;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent against the real dev-console: pairing outcomes, mTLS reconnects, console restarts. */
class AgentConsoleIT {

    private static final String WRONG_PIN = "ZZZZ9999";

    /** Per test: tests reuse gateway names, lock gateways out and restart the console. */
    @RegisterExtension
    final DevConsoleExtension consoles = DevConsoleExtension.perTest();

    @TempDir
    Path tmp;

    private DevConsole console;

    @BeforeEach
    void console() {
        console = consoles.console();
    }

    private AgentRun agent(String name, String pin, String stateDir) {
        return AgentRun.start(
                AgentRun.config(name, console.endpoint(), pin, tmp.resolve(stateDir), console.caFile()), Map.of());
    }

    @Test
    void pairsRegistersAndAnswersCommands() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        try (AgentRun agent = agent("pcg-dc1", issued.pin(), "agent")) {
            AgentStatus.Snapshot status = agent.awaitConnected();

            assertThat(status.gatewayId()).isEqualTo(issued.gateway().id());
            Path key = tmp.resolve("agent/identity/key.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
            var record = console.gateway(issued.gateway().id());
            assertThat(record.state()).isEqualTo(GatewayState.ONLINE);
            assertThat(record.ipAddresses()).isNotEmpty().noneMatch(ip -> ip.startsWith("127."));
            assertThat(record.capacity().cpus()).isPositive();

            String commandId = console.commands()
                    .submit(issued.gateway().id(), PingCommandHandler.TYPE, "{\"hello\":\"pcg\"}")
                    .id();
            CommandResult result = console.commands().result(commandId).get(30, TimeUnit.SECONDS);
            assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
            assertThat(result.getPayloadJson()).isEqualTo("{\"hello\":\"pcg\"}");
        }
    }

    @Test
    void aWrongPinIsRefusedWithTheAttemptsLeft() throws Exception {
        console.createGateway("pcg-dc1");
        try (AgentRun agent = agent("pcg-dc1", WRONG_PIN, "agent")) {
            AgentStatus.Snapshot status = agent.awaitProblem();

            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(status.problem()).isEqualTo(ConnectionProblem.PIN_INVALID.name());
            assertThat(status.message()).contains("4 attempt(s) left");
            assertThat(status.hint()).contains("tenant portal");
        }
    }

    @Test
    void aReusedPinIsRefusedAsUsed() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        try (AgentRun first = agent("pcg-dc1", issued.pin(), "first")) {
            first.awaitConnected();
        }
        try (AgentRun second = agent("pcg-dc1", issued.pin(), "second")) {
            AgentStatus.Snapshot status = second.awaitProblem();

            assertThat(status.problem()).isEqualTo(ConnectionProblem.PIN_USED.name());
            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(status.hint()).contains("new PIN");
        }
    }

    @Test
    void anExpiredPinIsRefusedAsExpired() throws Exception {
        // Expired a millisecond after it is issued: long before an agent can start and pair, with no wait.
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1", Duration.ofMillis(1));
        try (AgentRun agent = agent("pcg-dc1", issued.pin(), "agent")) {
            AgentStatus.Snapshot status = agent.awaitProblem();

            assertThat(status.problem()).isEqualTo(ConnectionProblem.PIN_EXPIRED.name());
            assertThat(status.hint()).contains("new PIN");
        }
    }

    @Test
    void anUnknownInstallerNameIsReportedAsSuch() throws Exception {
        console.createGateway("pcg-dc1");
        try (AgentRun agent = agent("pcg-typo", WRONG_PIN, "agent")) {
            assertThat(agent.awaitProblem().problem()).isEqualTo(ConnectionProblem.UNKNOWN_GATEWAY.name());
        }
    }

    @Test
    void fiveWrongPinsLockTheGatewayEvenAgainstTheRightPin() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        for (int attempt = 1; attempt <= 5; attempt++) {
            try (AgentRun agent = agent("pcg-dc1", WRONG_PIN, "agent")) {
                assertThat(agent.awaitProblem().problem())
                        .isIn(ConnectionProblem.PIN_INVALID.name(), ConnectionProblem.LOCKED_OUT.name());
            }
        }
        try (AgentRun agent = agent("pcg-dc1", issued.pin(), "agent")) {
            AgentStatus.Snapshot status = agent.awaitProblem();

            assertThat(status.problem()).isEqualTo(ConnectionProblem.LOCKED_OUT.name());
            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(status.hint()).contains("new PIN");
        }
        assertThat(console.gateway(issued.gateway().id()).locked()).isTrue();
    }

    @Test
    void aRestartedAgentReconnectsWithItsCertificateAndNoPin() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        try (AgentRun agent = agent("pcg-dc1", issued.pin(), "agent")) {
            agent.awaitConnected();
        }
        try (AgentRun restarted = agent("pcg-dc1", "", "agent")) {
            assertThat(restarted.awaitConnected().gatewayId())
                    .isEqualTo(issued.gateway().id());
        }
    }

    @Test
    void aClientWithoutACertificateCannotOpenTheControlStream() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", console.grpcPort())
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(console.caFile().toFile())
                        .build())
                .build();
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            StreamObserver<AgentMessage> upstream = GatewayGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(ConsoleMessage message) {
                    failure.completeExceptionally(new AssertionError("console answered " + message));
                }

                @Override
                public void onError(Throwable t) {
                    failure.complete(t);
                }

                @Override
                public void onCompleted() {
                    failure.completeExceptionally(new AssertionError("console completed the stream"));
                }
            });
            upstream.onNext(AgentMessage.newBuilder()
                    .setRegister(Register.newBuilder().setName("intruder"))
                    .build());

            Throwable refused = failure.get(30, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOf(StatusRuntimeException.class);
            assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void afterAConsoleRestartTheAgentReconnectsAndRegistersByItself() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        try (AgentRun agent = agent("pcg-dc1", issued.pin(), "agent")) {
            AgentStatus.Snapshot first = agent.awaitConnected();

            console.close();
            AgentStatus.Snapshot lost = agent.awaitProblem();
            assertThat(lost.problem())
                    .isIn(ConnectionProblem.CONSOLE_UNAVAILABLE.name(), ConnectionProblem.TCP_CONNECT_FAILED.name());
            console = consoles.restart();

            AgentStatus.Snapshot again = agent.awaitConnected();
            assertThat(again.lastRegisteredAt()).isAfter(first.lastRegisteredAt());
            assertThat(console.gateway(issued.gateway().id()).state()).isEqualTo(GatewayState.ONLINE);
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
