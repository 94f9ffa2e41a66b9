package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandDispatcher;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.CommandHandler;
import io.pcg.agent.command.PingCommandHandler;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.Register;
import io.pcg.proto.v1.Registered;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControlStreamTest {

    private static final String SECRET_PAYLOAD = "{\"password\":\"hunter2-secret\"}";

    private final FakeGatewayService console = new FakeGatewayService();
    private final AtomicInteger slowRuns = new AtomicInteger();
    private final BlockingHandler blocking = new BlockingHandler();
    private final CompletableFuture<Registered> registered = new CompletableFuture<>();
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Server server;
    private ManagedChannel channel;
    private CommandDispatcher dispatcher;
    private ControlStream stream;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(console).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        CommandHandler counting = new CommandHandler() {
            @Override
            public String type() {
                return "test.count";
            }

            @Override
            public String handle(AgentCommand command) {
                return "{\"runs\":" + slowRuns.incrementAndGet() + "}";
            }
        };
        CommandHandler failing = new CommandHandler() {
            @Override
            public String type() {
                return "test.fail";
            }

            @Override
            public String handle(AgentCommand command) throws CommandFailedException {
                throw new CommandFailedException(
                        "VCENTER_LOGIN_FAILED", "vCenter refused the login", "Check the user name and password.");
            }
        };
        CommandHandler crashing = new CommandHandler() {
            @Override
            public String type() {
                return "test.crash";
            }

            @Override
            public String handle(AgentCommand command) {
                throw new IllegalStateException("cannot parse " + command.payloadJson());
            }
        };
        dispatcher = new CommandDispatcher(
                List.of(new PingCommandHandler(), counting, failing, crashing, blocking), 4, 100, 100);
        stream = new ControlStream(
                Register.newBuilder().setName("pcg-test").build(),
                Duration.ofHours(1),
                Duration.ofHours(1),
                dispatcher,
                scheduler,
                new ControlStream.Listener() {
                    @Override
                    public void registered(Registered message) {
                        registered.complete(message);
                    }

                    @Override
                    public void heartbeatSent(Instant at) {}

                    @Override
                    public void closed(Throwable failure) {
                        closed.complete(failure);
                    }
                },
                Clock.systemUTC());
        stream.start(channel);
        assertThat(console.next().getRegister().getName()).isEqualTo("pcg-test");
        console.registered("gw-1", 0);
        assertThat(registered.get(10, TimeUnit.SECONDS).getGatewayId()).isEqualTo("gw-1");
    }

    @AfterEach
    void stop() {
        blocking.release.countDown();
        channel.shutdownNow();
        server.shutdownNow();
        dispatcher.close();
        scheduler.shutdownNow();
    }

    @Test
    void aNonBlockingHandlerAnswersWithTheResultAlone() throws Exception {
        console.command("c1", "agent.ping", "{\"n\":1}");

        CommandResult result = console.next(AgentMessage.BodyCase.RESULT).getResult();
        assertThat(result.getCommandId()).isEqualTo("c1");
        assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
        assertThat(result.getPayloadJson()).isEqualTo("{\"n\":1}");
    }

    @Test
    void aBlockingHandlerIsAckedBeforeItsResult() throws Exception {
        console.command("c1", "test.count", "{}");

        assertThat(console.next(AgentMessage.BodyCase.ACK).getAck().getCommandId())
                .isEqualTo("c1");
        assertThat(console.next(AgentMessage.BodyCase.RESULT).getResult().getCommandId())
                .isEqualTo("c1");
    }

    @Test
    void aRepeatedIdRunsOnceAndGetsTheSameResultAgain() throws Exception {
        console.command("c1", "test.count", "{}");
        console.next(AgentMessage.BodyCase.ACK);
        CommandResult first = console.next(AgentMessage.BodyCase.RESULT).getResult();

        console.command("c1", "test.count", "{}");
        CommandResult second = console.next(AgentMessage.BodyCase.RESULT).getResult();

        assertThat(second).isEqualTo(first);
        assertThat(first.getPayloadJson()).isEqualTo("{\"runs\":1}");
        assertThat(slowRuns).hasValue(1);
    }

    @Test
    void aResultOnlyCommandGetsTheStoredResultOrFailsButNeverRuns() throws Exception {
        console.command("c1", "test.count", "{}");
        console.next(AgentMessage.BodyCase.ACK);
        CommandResult first = console.next(AgentMessage.BodyCase.RESULT).getResult();

        console.send(ConsoleMessage.newBuilder()
                .setCommand(
                        Command.newBuilder().setId("c1").setType("test.count").setResultOnly(true))
                .build());
        assertThat(console.next(AgentMessage.BodyCase.RESULT).getResult())
                .as("known: the stored result")
                .isEqualTo(first);

        console.send(ConsoleMessage.newBuilder()
                .setCommand(
                        Command.newBuilder().setId("c2").setType("test.count").setResultOnly(true))
                .build());
        CommandResult unknown = console.next(AgentMessage.BodyCase.RESULT).getResult();
        assertThat(unknown.getCommandId()).isEqualTo("c2");
        assertThat(unknown.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_FAILED);
        assertThat(unknown.getError().getCode()).isEqualTo(CommandDispatcher.NOT_RECEIVED);
        assertThat(unknown.getError().getHint()).contains("submit the command again");

        console.command("c2", "test.count", "{}");
        console.next(AgentMessage.BodyCase.ACK);
        assertThat(console.next(AgentMessage.BodyCase.RESULT).getResult().getPayloadJson())
                .as("the result-only ask did not use up the id")
                .isEqualTo("{\"runs\":2}");
        assertThat(slowRuns).hasValue(2);
    }

    @Test
    void anUnknownTypeFailsWithTheKnownTypes() throws Exception {
        console.command("c1", "vsphere.nope", "{}");
        CommandResult result = console.next(AgentMessage.BodyCase.RESULT).getResult();

        assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_FAILED);
        assertThat(result.getError().getCode()).isEqualTo("UNKNOWN_COMMAND_TYPE");
        assertThat(result.getError().getMessage())
                .contains("'vsphere.nope'")
                .contains("agent.ping, test.blocking, test.count, test.crash, test.fail");
        assertThat(result.getError().getHint()).isNotBlank();
    }

    @Test
    void anOperatorFailureKeepsCodeMessageAndHint() throws Exception {
        console.command("c1", "test.fail", SECRET_PAYLOAD);
        console.next(AgentMessage.BodyCase.ACK);
        CommandResult result = console.next(AgentMessage.BodyCase.RESULT).getResult();

        assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_FAILED);
        assertThat(result.getError().getCode()).isEqualTo("VCENTER_LOGIN_FAILED");
        assertThat(result.getError().getMessage()).isEqualTo("vCenter refused the login");
        assertThat(result.getError().getHint()).isEqualTo("Check the user name and password.");
    }

    @Test
    void anUnexpectedExceptionNeverEchoesThePayload() throws Exception {
        console.command("c1", "test.crash", SECRET_PAYLOAD);
        console.next(AgentMessage.BodyCase.ACK);
        CommandResult result = console.next(AgentMessage.BodyCase.RESULT).getResult();

        assertThat(result.getError().getCode()).isEqualTo("AGENT_INTERNAL_ERROR");
        assertThat(result.toString()).doesNotContain("hunter2-secret");
    }

    @Test
    void aFloodOfTenThousandCommandsIsHeldWithinTheCapacityAndTheExcessIsRefusedBusy() throws Exception {
        int count = 10_000;
        int capacity = dispatcher.capacity();
        for (int i = 0; i < count; i++) {
            console.command("f" + i, BlockingHandler.TYPE, "{}");
        }
        Map<String, CommandResult> results = new HashMap<>();
        Set<String> acked = new HashSet<>();
        while (results.size() < count - capacity) {
            collect(console.next(), acked, results);
        }
        assertThat(acked).as("held while the handlers block").hasSize(capacity);
        assertThat(results.values())
                .as("everything else is refused at once, never held")
                .allSatisfy(result -> {
                    assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_FAILED);
                    assertThat(result.getError().getCode()).isEqualTo(CommandDispatcher.BUSY);
                    assertThat(result.getError().getMessage()).contains(String.valueOf(capacity));
                    assertThat(result.getError().getHint()).contains("Send the command again");
                });
        assertThat(results.keySet()).doesNotContainAnyElementsOf(acked);

        blocking.release.countDown();
        while (results.size() < count) {
            collect(console.next(), acked, results);
        }
        assertThat(acked)
                .allSatisfy(id ->
                        assertThat(results.get(id).getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED));
        assertThat(dispatcher.peakHeld())
                .as("never more held than the capacity")
                .isEqualTo(capacity);

        String refused = results.keySet().stream()
                .filter(id -> !acked.contains(id))
                .findFirst()
                .orElseThrow();
        console.command(refused, BlockingHandler.TYPE, "{}");
        console.next(AgentMessage.BodyCase.ACK);
        assertThat(console.next(AgentMessage.BodyCase.RESULT).getResult().getStatus())
                .as("a refusal is not remembered: the same command sent again runs")
                .isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
    }

    /** Records an ack or a result, failing on a second one for the same id. */
    private static void collect(AgentMessage message, Set<String> acked, Map<String, CommandResult> results) {
        if (message.hasAck()) {
            assertThat(acked.add(message.getAck().getCommandId()))
                    .as("one ack per command")
                    .isTrue();
        } else if (message.hasResult()) {
            assertThat(results.put(message.getResult().getCommandId(), message.getResult()))
                    .as("one result per command")
                    .isNull();
        }
    }

    @Test
    void aConsoleThatStopsReadingGetsNoMoreCommandSlotsUntilItReadsAgain() throws Exception {
        console.stopReading();
        int count = 3 * ControlStream.OUTBOUND_LIMIT;
        for (int i = 0; i < count; i++) {
            console.command("p" + i, "agent.ping", "{}");
        }
        await("answers pile up unread")
                .atMost(Duration.ofSeconds(30))
                .until(() -> stream.peakBacklog() >= ControlStream.OUTBOUND_LIMIT);

        console.resumeReading();
        Set<String> acked = new HashSet<>();
        Map<String, CommandResult> results = new HashMap<>();
        while (results.size() < count) {
            collect(console.next(), acked, results);
        }
        assertThat(stream.peakBacklog())
                .as("unread answers stay within the limit and one window")
                .isLessThanOrEqualTo(
                        ControlStream.OUTBOUND_LIMIT + ControlStream.COMMAND_WINDOW + ControlStream.GRANT_BATCH);
    }

    static Stream<Arguments> grants() {
        int limit = ControlStream.OUTBOUND_LIMIT;
        int batch = ControlStream.GRANT_BATCH;
        return Stream.of(
                arguments(batch, 5, 0, true),
                arguments(batch - 1, 5, 0, false),
                arguments(3, 0, 0, true),
                arguments(0, 0, 0, false),
                arguments(batch, 5, limit - 1, true),
                arguments(batch, 5, limit, false),
                arguments(3, 0, limit + 10, false));
    }

    @ParameterizedTest(name = "{0} finished, {1} running, {2} unread → grant: {3}")
    @MethodSource("grants")
    void slotsGoBackInBatchesOrWhenIdleAndOnlyWhileTheConsoleReads(
            int ungranted, int unfinished, int backlog, boolean due) {
        assertThat(ControlStream.grantDue(ungranted, unfinished, backlog)).isEqualTo(due);
    }

    @Test
    void moreCommandsThanTheWindowAllGetExactlyOneResult() throws Exception {
        int count = 3 * ControlStream.COMMAND_WINDOW + 7;
        for (int i = 0; i < count; i++) {
            console.command("c" + i, i % 10 == 0 ? "test.count" : "agent.ping", "{\"i\":" + i + "}");
        }
        Set<String> acked = new HashSet<>();
        Map<String, CommandResult> results = new HashMap<>();
        while (results.size() < count) {
            collect(console.next(), acked, results);
        }
        assertThat(acked)
                .as("only blocking commands are acked")
                .allMatch(id -> Integer.parseInt(id.substring(1)) % 10 == 0);
        // The window (1024) is larger than the blocking capacity (104), so some blocking ones may be refused busy.
        results.forEach((id, result) -> assertThat(
                        result.getStatus() == CommandStatus.COMMAND_STATUS_SUCCEEDED
                                ? acked.contains(id) || !id.endsWith("0")
                                : result.getError().getCode().equals(CommandDispatcher.BUSY) && !acked.contains(id))
                .as(id)
                .isTrue());
    }

    @Test
    void theConsoleEndingTheStreamIsReported() throws Exception {
        console.complete();
        assertThat(closed.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void finishingSendsWhatIsQueuedThenClosesTheAgentsSideAndHearsTheConsoleEndTheStream() throws Exception {
        AgentMessage last = AgentMessage.newBuilder()
                .setEvent(Event.newBuilder().setReason("GatewayDeleted"))
                .build();
        assertThat(stream.send(last)).isTrue();

        stream.finish();

        assertThat(console.next(AgentMessage.BodyCase.EVENT).getEvent().getReason())
                .isEqualTo("GatewayDeleted");
        assertThat(closed.get(10, TimeUnit.SECONDS))
                .as("the console answered the half-close")
                .isNull();
        assertThat(stream.send(last)).as("nothing is taken after the end").isFalse();
    }

    @Test
    void theConsoleAskingForAHeartbeatIntervalIsHonoured() throws Exception {
        // A second stream whose Registered asks for 1 s: a heartbeat must arrive although the agent's own interval is 1
        // h.
        FakeGatewayService second = new FakeGatewayService();
        String name = InProcessServerBuilder.generateName();
        Server otherServer =
                InProcessServerBuilder.forName(name).addService(second).build().start();
        ManagedChannel otherChannel = InProcessChannelBuilder.forName(name).build();
        try {
            ControlStream stream = new ControlStream(
                    Register.getDefaultInstance(),
                    Duration.ofHours(1),
                    Duration.ofHours(1),
                    dispatcher,
                    scheduler,
                    new ControlStream.Listener() {
                        @Override
                        public void registered(Registered message) {}

                        @Override
                        public void heartbeatSent(Instant at) {}

                        @Override
                        public void closed(Throwable failure) {}
                    },
                    Clock.systemUTC());
            stream.start(otherChannel);
            second.next(AgentMessage.BodyCase.REGISTER);
            second.registered("gw-2", 1);
            AgentMessage heartbeat = second.next(AgentMessage.BodyCase.HEARTBEAT);
            assertThat(heartbeat.getHeartbeat().getSequence()).isEqualTo(1);
            stream.cancel("test over");
        } finally {
            otherChannel.shutdownNow();
            otherServer.shutdownNow();
        }
    }

    @Test
    void aConsoleThatNeverAnswersRegisterFailsTheStreamInsteadOfHoldingItForever() throws Exception {
        FakeGatewayService silent = new FakeGatewayService();
        String name = InProcessServerBuilder.generateName();
        Server otherServer =
                InProcessServerBuilder.forName(name).addService(silent).build().start();
        ManagedChannel otherChannel = InProcessChannelBuilder.forName(name).build();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        try {
            ControlStream stream = new ControlStream(
                    Register.getDefaultInstance(),
                    Duration.ofMillis(200),
                    Duration.ofHours(1),
                    dispatcher,
                    scheduler,
                    new ControlStream.Listener() {
                        @Override
                        public void registered(Registered message) {
                            failed.completeExceptionally(new AssertionError("registered without a Registered"));
                        }

                        @Override
                        public void heartbeatSent(Instant at) {}

                        @Override
                        public void closed(Throwable failure) {
                            failed.complete(failure);
                        }
                    },
                    Clock.systemUTC());
            stream.start(otherChannel);
            silent.next(AgentMessage.BodyCase.REGISTER);

            Throwable failure = failed.get(10, TimeUnit.SECONDS);
            assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            Problem problem = FailureClassifier.classify(failure, "console.example.com:443", "", true);
            assertThat(problem.kind()).isEqualTo(ConnectionProblem.CONSOLE_UNAVAILABLE);
            assertThat(problem.message())
                    .contains("did not answer in time")
                    .contains("no answer to Register within 200 ms");
        } finally {
            otherChannel.shutdownNow();
            otherServer.shutdownNow();
        }
    }
}
