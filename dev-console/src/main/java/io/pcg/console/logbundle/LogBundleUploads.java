package io.pcg.console.logbundle;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandService;
import io.pcg.console.control.GatewayEvents;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleHeader;
import io.pcg.proto.v1.LogBundleReceipt;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's side of {@code Gateway.UploadLogBundle}: checks the header against the gateway's commands and the size
 * bound, receives the chunks into {@link LogBundles}, and answers with a receipt once size and SHA-256 match, or ends
 * the call with the status gateway.proto names for the refusal (the stored result then is nothing at all).
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class LogBundleUploads {

    /** The command whose bundles this receives. */
    public static final String COMMAND = "logs.collect";
    /** The protocol's bound on one chunk (gateway.proto). */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;

    public static final String STORED = "LogBundleStored";
    public static final String REFUSED = "LogBundleRefused";

    private static final Logger LOG = LoggerFactory.getLogger(LogBundleUploads.class);
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final LogBundles bundles;
    private final CommandService commands;
    private final GatewayEvents events;
    private final long maxBundleSize;

    public LogBundleUploads(LogBundles bundles, CommandService commands, GatewayEvents events, ConsoleConfig config) {
        this.bundles = bundles;
        this.commands = commands;
        this.events = events;
        this.maxBundleSize = config.maxLogBundleSize();
    }

    /** Receives one upload of the gateway the call was authenticated as. */
    public StreamObserver<LogBundleChunk> receive(String gatewayId, StreamObserver<LogBundleReceipt> response) {
        return new Upload(gatewayId, response);
    }

    private LogBundles.Incoming accept(String gatewayId, LogBundleHeader header) throws LogBundleRefusedException {
        if (!FILE_NAME.matcher(header.getFileName()).matches()) {
            throw malformed("the header's file_name must be 1 to 255 letters, digits, '.', '_' or '-'");
        }
        if (!SHA256.matcher(header.getSha256()).matches()) {
            throw malformed("the header's sha256 must be 64 lower-case hex digits");
        }
        if (header.getSizeBytes() < 1) {
            throw malformed("the header's size_bytes must be positive, got " + header.getSizeBytes());
        }
        if (header.getSizeBytes() > maxBundleSize) {
            throw new LogBundleRefusedException(
                    LogBundleRefusedException.Reason.TOO_LARGE,
                    "the bundle is "
                            + header.getSizeBytes() + " bytes, more than the " + maxBundleSize
                            + " this console stores (pcg.console.max-log-bundle-size)");
        }
        Optional<CommandRecord> command =
                header.getCommandId().isEmpty() ? Optional.empty() : commands.find(header.getCommandId());
        if (command.isEmpty()
                || !command.get().gatewayId().equals(gatewayId)
                || !command.get().type().equals(COMMAND)) {
            throw new LogBundleRefusedException(
                    LogBundleRefusedException.Reason.NOT_EXPECTED,
                    "command '" + header.getCommandId() + "' is not a " + COMMAND + " command of gateway " + gatewayId);
        }
        if (command.get().status().isFinal()) {
            throw new LogBundleRefusedException(
                    LogBundleRefusedException.Reason.NOT_EXPECTED,
                    "command " + header.getCommandId() + " already finished ("
                            + command.get().status() + ")");
        }
        return bundles.receive(
                gatewayId, header.getCommandId(), header.getFileName(), header.getSizeBytes(), header.getSha256());
    }

    private static LogBundleRefusedException malformed(String message) {
        return new LogBundleRefusedException(LogBundleRefusedException.Reason.MALFORMED, message);
    }

    private static Status status(LogBundleRefusedException refusal) {
        Status status = switch (refusal.reason()) {
            case MALFORMED -> Status.INVALID_ARGUMENT;
            case NOT_EXPECTED -> Status.FAILED_PRECONDITION;
            case TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
            case CORRUPTED -> Status.DATA_LOSS;
        };
        return status.withDescription(refusal.getMessage());
    }

    /** One call; gRPC delivers its messages one at a time. */
    private final class Upload implements StreamObserver<LogBundleChunk> {

        private final String gatewayId;
        private final StreamObserver<LogBundleReceipt> response;
        private LogBundles.Incoming incoming;
        private boolean ended;

        Upload(String gatewayId, StreamObserver<LogBundleReceipt> response) {
            this.gatewayId = gatewayId;
            this.response = response;
        }

        @Override
        public void onNext(LogBundleChunk chunk) {
            if (ended) {
                return;
            }
            try {
                if (chunk.hasHeader()) {
                    if (incoming != null) {
                        throw malformed("a second header arrived; an upload has exactly one, first");
                    }
                    incoming = accept(gatewayId, chunk.getHeader());
                } else if (incoming == null) {
                    throw malformed("the first message must be the header");
                } else if (chunk.getData().isEmpty() || chunk.getData().size() > MAX_CHUNK_BYTES) {
                    throw malformed("a data chunk has " + chunk.getData().size() + " bytes; chunks have 1 to "
                            + MAX_CHUNK_BYTES);
                } else {
                    incoming.write(chunk.getData().toByteArray());
                }
            } catch (LogBundleRefusedException refusal) {
                refuse(refusal);
            } catch (UncheckedIOException e) {
                fail(e);
            }
        }

        @Override
        public void onCompleted() {
            if (ended) {
                return;
            }
            try {
                if (incoming == null) {
                    throw malformed("the upload ended before its header");
                }
                LogBundleRecord stored = incoming.store();
                ended = true;
                LOG.info(
                        "Gateway {}: stored log bundle {} ({}, {} bytes) for command {}",
                        gatewayId,
                        stored.id(),
                        stored.fileName(),
                        stored.sizeBytes(),
                        stored.commandId());
                events.recordFromConsole(
                        gatewayId,
                        "Info",
                        STORED,
                        "Stored the log bundle " + stored.fileName() + " (" + stored.sizeBytes() + " bytes, SHA-256 "
                                + stored.sha256() + ") as " + stored.id());
                response.onNext(LogBundleReceipt.newBuilder()
                        .setBundleId(stored.id())
                        .setSizeBytes(stored.sizeBytes())
                        .setSha256(stored.sha256())
                        .build());
                response.onCompleted();
            } catch (LogBundleRefusedException refusal) {
                refuse(refusal);
            } catch (UncheckedIOException e) {
                fail(e);
            }
        }

        /** The agent cancelled, or the connection broke: nothing of this upload stays. */
        @Override
        public void onError(Throwable error) {
            if (ended) {
                return;
            }
            ended = true;
            if (incoming != null) {
                incoming.discard();
            }
            LOG.info(
                    "Gateway {}: a log bundle upload broke off ({}); nothing was stored",
                    gatewayId,
                    Status.fromThrowable(error).getCode());
        }

        private void refuse(LogBundleRefusedException refusal) {
            ended = true;
            if (incoming != null) {
                incoming.discard();
            }
            LOG.warn("Gateway {}: refused a log bundle: {}", gatewayId, refusal.getMessage());
            events.recordFromConsole(gatewayId, "Warning", REFUSED, "Refused a log bundle: " + refusal.getMessage());
            response.onError(status(refusal).asRuntimeException());
        }

        private void fail(UncheckedIOException e) {
            ended = true;
            if (incoming != null) {
                incoming.discard();
            }
            LOG.error("Gateway {}: cannot store a log bundle: {}", gatewayId, e.getMessage());
            response.onError(Status.INTERNAL
                    .withDescription("the console cannot store the bundle")
                    .asRuntimeException());
        }
    }
}
