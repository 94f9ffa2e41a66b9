package io.pcg.agent.logbundle.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pcg.agent.logbundle.BundleUpload;
import io.pcg.agent.logbundle.LogBundle;
import io.pcg.agent.logbundle.LogBundleConfig;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleHeader;
import io.pcg.proto.v1.LogBundleReceipt;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload against an in-process Gateway service: what goes on the wire (header first, then the file in chunks of the
 * configured size), the receipt, and which failures count as a broken link (worth one more try) or a refusal.
 */
class GrpcBundleUploadTest {

    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    private final String serverName = InProcessServerBuilder.generateName();
    private final Console console = new Console();
    private Server server;
    private ManagedChannel channel;
    private LogBundle bundle;
    private byte[] content;

    @BeforeEach
    void setUp() throws Exception {
        server = InProcessServerBuilder.forName(serverName)
                .addService(console)
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(serverName).build();
        content = new byte[3 * 1024 * 1024 + 123];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("pcg-logs-host-20260101T000000Z.tgz"), content);
        bundle = new LogBundle(file, content.length, "ab".repeat(32));
    }

    @AfterEach
    void tearDown() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void sendsTheHeaderThenTheFileInChunksAndReturnsTheReceipt() throws Exception {
        console.answer = received -> received.respond(LogBundleReceipt.newBuilder()
                .setBundleId("lb-0123456789ab")
                .setSizeBytes(received.data.size())
                .setSha256("ab".repeat(32))
                .build());

        BundleUpload.Receipt receipt =
                upload(CompletableFuture.completedFuture(channel)).send("cmd-7", bundle);

        assertThat(receipt).isEqualTo(new BundleUpload.Receipt("lb-0123456789ab", content.length, "ab".repeat(32)));
        Received received = console.calls.get(0);
        assertThat(received.header)
                .isEqualTo(LogBundleHeader.newBuilder()
                        .setCommandId("cmd-7")
                        .setFileName("pcg-logs-host-20260101T000000Z.tgz")
                        .setSizeBytes(content.length)
                        .setSha256("ab".repeat(32))
                        .build());
        assertThat(received.chunkSizes).allMatch(size -> size <= CHUNK).hasSize(content.length / CHUNK + 1);
        assertThat(received.data.toByteArray()).isEqualTo(content);
    }

    @Test
    void aRefusalIsNotALostLink() {
        console.answer =
                received -> received.fail(Status.DATA_LOSS.withDescription("the bundle was corrupted on the way"));

        assertThatThrownBy(
                        () -> upload(CompletableFuture.completedFuture(channel)).send("cmd-7", bundle))
                .isInstanceOfSatisfying(BundleUpload.UploadException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BundleUpload.UploadException.Kind.REFUSED);
                    assertThat(e.getMessage()).isEqualTo("DATA_LOSS: the bundle was corrupted on the way");
                });
    }

    @Test
    void aConnectionThatBreaksMidUploadIsALostLink() {
        console.failAfterChunks = 3;

        assertThatThrownBy(
                        () -> upload(CompletableFuture.completedFuture(channel)).send("cmd-7", bundle))
                .isInstanceOfSatisfying(BundleUpload.UploadException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BundleUpload.UploadException.Kind.LINK_LOST);
                    assertThat(e.getMessage()).startsWith("UNAVAILABLE");
                });
        assertThat(console.calls.get(0).data.size()).isLessThan(content.length);
    }

    @Test
    void afterATransferBrokeOffTheNextWaitsForTheNextConnectionsChannel() throws Exception {
        console.failAfterChunks = 3;
        ManagedChannel next = InProcessChannelBuilder.forName(serverName).build();
        List<Channel> staleOnes = new ArrayList<>();
        GrpcBundleUpload upload = upload(
                stale -> {
                    staleOnes.add(stale);
                    return CompletableFuture.completedFuture(stale == channel ? next : channel);
                },
                Duration.ofSeconds(30));
        assertThatThrownBy(() -> upload.send("cmd-7", bundle)).isInstanceOf(BundleUpload.UploadException.class);
        channel.shutdownNow(); // what the link does once it sees the stream on it end
        console.failAfterChunks = -1;
        console.answer = received -> received.respond(
                LogBundleReceipt.newBuilder().setBundleId("lb-0123456789ab").build());

        try {
            assertThat(upload.send("cmd-7", bundle).bundleId()).isEqualTo("lb-0123456789ab");
        } finally {
            next.shutdownNow();
        }
        assertThat(staleOnes).containsExactly(null, channel);
    }

    @Test
    void noConnectionWithinTheUploadTimeoutFailsWithoutSending() {
        assertThatThrownBy(() -> upload(new CompletableFuture<>(), Duration.ofMillis(200))
                        .send("cmd-7", bundle))
                .isInstanceOfSatisfying(BundleUpload.UploadException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BundleUpload.UploadException.Kind.FAILED);
                    assertThat(e.getMessage()).contains("has not been connected to the console", "upload-timeout");
                });
        assertThat(console.calls).isEmpty();
    }

    private GrpcBundleUpload upload(CompletableFuture<Channel> registered) {
        return upload(registered, Duration.ofSeconds(30));
    }

    private GrpcBundleUpload upload(CompletableFuture<Channel> registered, Duration timeout) {
        return upload(stale -> registered, timeout);
    }

    private GrpcBundleUpload upload(Function<Channel, CompletableFuture<Channel>> registered, Duration timeout) {
        LogBundleConfig config = new LogBundleConfig(
                Path.of(LogBundleConfig.DEFAULT_SCRIPT),
                List.of(),
                Duration.ofMinutes(1),
                timeout,
                CHUNK,
                LogBundleConfig.DEFAULT_MAX_SIZE);
        return new GrpcBundleUpload(registered, config);
    }

    /** One call as the fake console saw it. */
    private static final class Received {
        final StreamObserver<LogBundleReceipt> response;
        LogBundleHeader header;
        final List<Integer> chunkSizes = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Received(StreamObserver<LogBundleReceipt> response) {
            this.response = response;
        }

        void respond(LogBundleReceipt receipt) {
            response.onNext(receipt);
            response.onCompleted();
        }

        void fail(Status status) {
            response.onError(status.asRuntimeException());
        }
    }

    /** Records every call; answers at the end as told, or breaks the call off after some chunks. */
    private static final class Console extends GatewayGrpc.GatewayImplBase {
        final List<Received> calls = new CopyOnWriteArrayList<>();
        volatile Consumer<Received> answer = received -> received.fail(Status.UNIMPLEMENTED);
        volatile int failAfterChunks = -1;

        @Override
        public StreamObserver<LogBundleChunk> uploadLogBundle(StreamObserver<LogBundleReceipt> response) {
            Received received = new Received(response);
            calls.add(received);
            return new StreamObserver<>() {
                @Override
                public void onNext(LogBundleChunk chunk) {
                    if (chunk.hasHeader()) {
                        received.header = chunk.getHeader();
                        return;
                    }
                    received.chunkSizes.add(chunk.getData().size());
                    received.data.writeBytes(chunk.getData().toByteArray());
                    if (received.chunkSizes.size() == failAfterChunks) {
                        received.fail(Status.UNAVAILABLE.withDescription("connection reset"));
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    answer.accept(received);
                }
            };
        }
    }
}
