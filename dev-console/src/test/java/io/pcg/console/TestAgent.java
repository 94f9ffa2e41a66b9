package io.pcg.console;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.pcg.console.pki.Pem;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Capacity;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandAck;
import io.pcg.proto.v1.CommandError;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.PairRequest;
import io.pcg.proto.v1.PairResponse;
import io.pcg.proto.v1.PairingGrpc;
import io.pcg.proto.v1.Register;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The agent's side of pcg.v1 in its rawest form: generated stubs over real TLS, no agent code involved. */
public final class TestAgent {

    public static final Register REGISTER = Register.newBuilder()
            .setName("pcg-test")
            .setVersion("0.1.0-test")
            .setHostname("appliance-1")
            .addIpAddresses("10.10.1.5")
            .addIpAddresses("fd00::5")
            .setCapacity(
                    Capacity.newBuilder().setCpus(4).setMemoryBytes(8L << 30).setDiskFreeBytes(40L << 30))
            .build();

    private TestAgent() {}

    /** What a successful pairing leaves on the appliance. */
    public record Identity(String gatewayId, String certificatePem, String keyPem, String caPem) {}

    public static ManagedChannel channel(EmbeddedConsole console, Identity identity) {
        try {
            TlsChannelCredentials.Builder tls =
                    TlsChannelCredentials.newBuilder().trustManager(Files.newInputStream(console.caFile()));
            if (identity != null) {
                tls.keyManager(stream(identity.certificatePem()), stream(identity.keyPem()));
            }
            return Grpc.newChannelBuilderForAddress("localhost", console.grpcPort(), tls.build())
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static PairResponse pairRaw(EmbeddedConsole console, String name, String pin, KeyPair keys) {
        ManagedChannel channel = channel(console, null);
        try {
            return PairingGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .pair(PairRequest.newBuilder()
                            .setGatewayName(name)
                            .setPairingCode(pin)
                            .setCsrDer(ByteString.copyFrom(TestKeys.csr(keys)))
                            .setAgentVersion("0.1.0-test")
                            .build());
        } finally {
            channel.shutdownNow();
        }
    }

    public static Identity pair(EmbeddedConsole console, String name, String pin) {
        KeyPair keys = TestKeys.ecKeyPair();
        PairResponse response = pairRaw(console, name, pin, keys);
        return new Identity(
                response.getGatewayId(),
                response.getClientCertificatePem(),
                Pem.privateKey(keys.getPrivate()),
                response.getCaBundlePem());
    }

    /** Opens the control stream; with {@code answerCommands} it acks and answers every command like a real agent. */
    public static Connection connect(ManagedChannel channel, boolean answerCommands) {
        return new Connection(channel, answerCommands);
    }

    /** One open control stream. */
    public static final class Connection implements AutoCloseable {
        public final BlockingQueue<ConsoleMessage> received = new LinkedBlockingQueue<>();
        public final CompletableFuture<Status> closed = new CompletableFuture<>();
        private final StreamObserver<AgentMessage> upstream;
        private final boolean answerCommands;

        private Connection(ManagedChannel channel, boolean answerCommands) {
            this.answerCommands = answerCommands;
            upstream = GatewayGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(ConsoleMessage message) {
                    received.add(message);
                    if (Connection.this.answerCommands && message.hasCommand()) {
                        answer(message.getCommand());
                    }
                }

                @Override
                public void onError(Throwable error) {
                    closed.complete(Status.fromThrowable(error));
                }

                @Override
                public void onCompleted() {
                    closed.complete(Status.OK);
                }
            });
        }

        public synchronized void send(AgentMessage message) {
            upstream.onNext(message);
        }

        public void register() {
            send(AgentMessage.newBuilder().setRegister(REGISTER).build());
        }

        public ConsoleMessage next() throws InterruptedException {
            ConsoleMessage message = received.poll(20, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError(
                        "nothing arrived from the console within 20 s; stream status: " + closed.getNow(null));
            }
            return message;
        }

        public Command nextCommand() throws InterruptedException {
            ConsoleMessage message = next();
            if (!message.hasCommand()) {
                throw new AssertionError("expected a command, got " + message);
            }
            return message.getCommand();
        }

        public Status awaitClosed() throws Exception {
            return closed.get(20, TimeUnit.SECONDS);
        }

        public void ack(String commandId) {
            send(AgentMessage.newBuilder()
                    .setAck(CommandAck.newBuilder().setCommandId(commandId))
                    .build());
        }

        /** A command of type "test.fail" fails; any other succeeds with {@code {"handled": "<type>"}}. */
        public void answer(Command command) {
            ack(command.getId());
            answerWithoutAck(command);
        }

        /** Like {@link #answer} but with the result alone, as the agent does for commands it answers at once. */
        public void answerWithoutAck(Command command) {
            CommandResult.Builder result = CommandResult.newBuilder().setCommandId(command.getId());
            if (command.getType().equals("test.fail")) {
                result.setStatus(CommandStatus.COMMAND_STATUS_FAILED)
                        .setError(CommandError.newBuilder()
                                .setCode("TEST_FAILURE")
                                .setMessage("failed on purpose")
                                .setHint("do not send test.fail"));
            } else {
                result.setStatus(CommandStatus.COMMAND_STATUS_SUCCEEDED)
                        .setPayloadJson("{\"handled\":\"" + command.getType() + "\"}");
            }
            send(AgentMessage.newBuilder().setResult(result).build());
        }

        public void event(String reason, String message) {
            long now = System.currentTimeMillis();
            send(AgentMessage.newBuilder()
                    .setEvent(io.pcg.proto.v1.Event.newBuilder()
                            .setTime(Timestamp.newBuilder().setSeconds(now / 1000))
                            .setSeverity(io.pcg.proto.v1.EventSeverity.EVENT_SEVERITY_INFO)
                            .setReason(reason)
                            .setMessage(message)
                            .setObject("gateway/pcg-test"))
                    .build());
        }

        @Override
        public synchronized void close() {
            try {
                upstream.onCompleted();
            } catch (IllegalStateException alreadyClosed) {
                // The console ended it first.
            }
        }
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
