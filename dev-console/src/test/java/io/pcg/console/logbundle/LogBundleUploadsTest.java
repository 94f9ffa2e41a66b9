package io.pcg.console.logbundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.serde.ObjectMapper;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.MutableClock;
import io.pcg.console.control.CommandService;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.gateway.Pins;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleHeader;
import io.pcg.proto.v1.LogBundleReceipt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The console's side of UploadLogBundle with its real store on a temporary data directory: a whole bundle is stored
 * (0600) with its record and receipt; every refusal ends the call with its status and leaves no byte behind.
 */
class LogBundleUploadsTest {

    private static final long MAX_SIZE = 64 * 1024;
    private static final byte[] BUNDLE = randomBytes(5000);

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.atNow();
    private GatewayStore store;
    private CommandService commands;
    private GatewayEvents events;
    private LogBundles bundles;
    private LogBundleUploads uploads;
    private String gatewayId;
    private String commandId;

    @BeforeEach
    void setUp() {
        ConsoleConfig config = new ConsoleConfig(
                0,
                "127.0.0.1",
                dataDir,
                Duration.ofHours(24),
                5,
                0,
                Duration.ofSeconds(45),
                List.of("localhost"),
                Duration.ofDays(365),
                MAX_SIZE);
        store = new GatewayStore(dataDir, ObjectMapper.getDefault());
        gatewayId = new GatewayService(store, new Pins(dataDir), clock, config)
                .create("pcg-logs", Optional.empty())
                .gateway()
                .id();
        commands = new CommandService(dataDir, store, ObjectMapper.getDefault(), clock);
        events = new GatewayEvents(dataDir, store, ObjectMapper.getDefault(), clock);
        bundles = new LogBundles(dataDir, store, ObjectMapper.getDefault(), clock);
        uploads = new LogBundleUploads(bundles, commands, events, config);
        commandId = commands.submit(gatewayId, LogBundleUploads.COMMAND, "{}").id();
    }

    @Test
    void storesAWholeBundleOwnerOnlyAndAnswersWithWhatItStored() throws Exception {
        Response response = upload(header(commandId, BUNDLE), chunks(BUNDLE, 2048));

        assertThat(response.error).isNull();
        assertThat(response.receipt.getSha256()).isEqualTo(sha256(BUNDLE));
        assertThat(response.receipt.getSizeBytes()).isEqualTo(BUNDLE.length);
        LogBundleRecord stored = bundles.get(gatewayId, response.receipt.getBundleId());
        assertThat(stored.commandId()).isEqualTo(commandId);
        assertThat(stored.fileName()).isEqualTo("pcg-logs-host-20260101T000000Z.tgz");
        assertThat(Files.readAllBytes(bundles.file(stored))).isEqualTo(BUNDLE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundles.file(stored))))
                .isEqualTo("rw-------");
        assertThat(bundles.list(gatewayId)).containsExactly(stored);
        assertThat(reasons()).containsExactly(LogBundleUploads.STORED);
    }

    static Stream<Arguments> refusals() {
        byte[] corrupted = BUNDLE.clone();
        corrupted[4321] ^= 0x01;
        return Stream.of(
                Arguments.of(
                        "a flipped bit in a chunk",
                        refusal(id -> header(id, BUNDLE), chunks(corrupted, 2048)),
                        Status.Code.DATA_LOSS,
                        "SHA-256"),
                Arguments.of(
                        "cut short",
                        refusal(id -> header(id, BUNDLE), chunks(Arrays.copyOf(BUNDLE, 4000), 2048)),
                        Status.Code.DATA_LOSS,
                        "after 4000 of the 5000 bytes"),
                Arguments.of(
                        "more than declared",
                        refusal(id -> header(id, BUNDLE), chunks(Arrays.copyOf(BUNDLE, 6000), 2048)),
                        Status.Code.DATA_LOSS,
                        "more than the 5000 bytes"),
                Arguments.of(
                        "declared larger than the console stores",
                        refusal(id -> header(id, new byte[(int) MAX_SIZE + 1]), List.of()),
                        Status.Code.RESOURCE_EXHAUSTED,
                        "pcg.console.max-log-bundle-size"),
                Arguments.of(
                        "data before the header",
                        refusal(id -> null, chunks(BUNDLE, 2048)),
                        Status.Code.INVALID_ARGUMENT,
                        "first message must be the header"),
                Arguments.of(
                        "no header at all",
                        refusal(id -> null, List.of()),
                        Status.Code.INVALID_ARGUMENT,
                        "ended before its header"),
                Arguments.of(
                        "a chunk over 1 MiB",
                        refusal(
                                id -> header(id, BUNDLE),
                                chunks(
                                        new byte[LogBundleUploads.MAX_CHUNK_BYTES + 1],
                                        LogBundleUploads.MAX_CHUNK_BYTES + 1)),
                        Status.Code.INVALID_ARGUMENT,
                        "chunks have 1 to"),
                Arguments.of(
                        "an empty chunk",
                        refusal(id -> header(id, BUNDLE), List.of(ByteString.EMPTY)),
                        Status.Code.INVALID_ARGUMENT,
                        "has 0 bytes"),
                Arguments.of(
                        "a file name that could be a path",
                        refusal(
                                id -> header(id, BUNDLE).toBuilder()
                                        .setFileName("../x.tgz")
                                        .build(),
                                chunks(BUNDLE, 2048)),
                        Status.Code.INVALID_ARGUMENT,
                        "file_name"),
                Arguments.of(
                        "a malformed checksum",
                        refusal(
                                id -> header(id, BUNDLE).toBuilder()
                                        .setSha256("ABC")
                                        .build(),
                                chunks(BUNDLE, 2048)),
                        Status.Code.INVALID_ARGUMENT,
                        "sha256"),
                Arguments.of(
                        "an unknown command",
                        refusal(id -> header("cmd-unknown", BUNDLE), chunks(BUNDLE, 2048)),
                        Status.Code.FAILED_PRECONDITION,
                        "not a logs.collect command"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesAndKeepsNothing(String name, Refusal refusal, Status.Code code, String message) throws Exception {
        Response response = upload(refusal.header.apply(commandId), refusal.chunks);

        assertThat(response.receipt).isNull();
        assertThat(response.error.getCode()).isEqualTo(code);
        assertThat(response.error.getDescription()).contains(message);
        assertThat(bundles.list(gatewayId)).isEmpty();
        assertThat(filesUnder(dataDir.resolve(LogBundles.FOLDER)))
                .as("no part, bundle or record left")
                .isEmpty();
        assertThat(reasons()).containsExactly(LogBundleUploads.REFUSED);
    }

    @Test
    void refusesABundleForAnotherTypeOfCommand() throws Exception {
        String ping = commands.submit(gatewayId, "agent.ping", "{}").id();

        Response response = upload(header(ping, BUNDLE), chunks(BUNDLE, 2048));

        assertThat(response.error.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(bundles.list(gatewayId)).isEmpty();
    }

    @Test
    void anUploadThatBreaksOffLeavesNothing() throws Exception {
        Response response = new Response();
        StreamObserver<LogBundleChunk> call = uploads.receive(gatewayId, response);
        call.onNext(
                LogBundleChunk.newBuilder().setHeader(header(commandId, BUNDLE)).build());
        call.onNext(LogBundleChunk.newBuilder()
                .setData(ByteString.copyFrom(BUNDLE, 0, 2048))
                .build());

        call.onError(Status.CANCELLED.withDescription("the connection broke").asRuntimeException());

        assertThat(response.receipt).isNull();
        assertThat(filesUnder(dataDir.resolve(LogBundles.FOLDER))).isEmpty();
    }

    @Test
    void aSecondUploadForTheSameCommandReplacesTheFirst() throws Exception {
        String first =
                upload(header(commandId, BUNDLE), chunks(BUNDLE, 2048)).receipt.getBundleId();
        clock.advance(Duration.ofSeconds(1));

        String second =
                upload(header(commandId, BUNDLE), chunks(BUNDLE, 4096)).receipt.getBundleId();

        assertThat(second).isNotEqualTo(first);
        assertThat(bundles.list(gatewayId)).extracting(LogBundleRecord::id).containsExactly(second);
        assertThat(filesUnder(dataDir.resolve(LogBundles.FOLDER))).hasSize(2);
    }

    @Test
    void aRestartDeletesPartsLeftMidUploadAndKeepsStoredBundles() throws Exception {
        String stored =
                upload(header(commandId, BUNDLE), chunks(BUNDLE, 2048)).receipt.getBundleId();
        StreamObserver<LogBundleChunk> unfinished = uploads.receive(gatewayId, new Response());
        unfinished.onNext(
                LogBundleChunk.newBuilder().setHeader(header(commandId, BUNDLE)).build());
        unfinished.onNext(LogBundleChunk.newBuilder()
                .setData(ByteString.copyFrom(BUNDLE, 0, 100))
                .build());
        assertThat(filesUnder(dataDir.resolve(LogBundles.FOLDER)))
                .anyMatch(file -> file.toString().endsWith(".part"));

        LogBundles restarted = new LogBundles(dataDir, store, ObjectMapper.getDefault(), clock);

        assertThat(restarted.list(gatewayId)).extracting(LogBundleRecord::id).containsExactly(stored);
        assertThat(filesUnder(dataDir.resolve(LogBundles.FOLDER)))
                .noneMatch(file -> file.toString().endsWith(".part"));
    }

    private Response upload(LogBundleHeader header, List<ByteString> data) {
        Response response = new Response();
        StreamObserver<LogBundleChunk> call = uploads.receive(gatewayId, response);
        if (header != null) {
            call.onNext(LogBundleChunk.newBuilder().setHeader(header).build());
        }
        data.forEach(
                chunk -> call.onNext(LogBundleChunk.newBuilder().setData(chunk).build()));
        call.onCompleted();
        return response;
    }

    private List<String> reasons() {
        return events.list(gatewayId).stream().map(GatewayEvent::reason).toList();
    }

    private static List<Path> filesUnder(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    record Refusal(Function<String, LogBundleHeader> header, List<ByteString> chunks) {
        @Override
        public String toString() {
            return "refusal";
        }
    }

    private static Refusal refusal(Function<String, LogBundleHeader> header, List<ByteString> chunks) {
        return new Refusal(header, chunks);
    }

    private static LogBundleHeader header(String commandId, byte[] bundle) {
        return LogBundleHeader.newBuilder()
                .setCommandId(commandId)
                .setFileName("pcg-logs-host-20260101T000000Z.tgz")
                .setSizeBytes(bundle.length)
                .setSha256(sha256(bundle))
                .build();
    }

    private static List<ByteString> chunks(byte[] bytes, int size) {
        List<ByteString> chunks = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += size) {
            chunks.add(ByteString.copyFrom(bytes, offset, Math.min(size, bytes.length - offset)));
        }
        return chunks;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random(12).nextBytes(bytes);
        return bytes;
    }

    /** What the console answered on the call. */
    private static final class Response implements StreamObserver<LogBundleReceipt> {
        LogBundleReceipt receipt;
        Status error;
        boolean completed;

        @Override
        public void onNext(LogBundleReceipt value) {
            receipt = value;
        }

        @Override
        public void onError(Throwable t) {
            error = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
