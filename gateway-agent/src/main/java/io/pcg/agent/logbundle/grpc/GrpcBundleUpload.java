package io.pcg.agent.logbundle.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.link.GatewayLink;
import io.pcg.agent.logbundle.BundleUpload;
import io.pcg.agent.logbundle.LogBundle;
import io.pcg.agent.logbundle.LogBundleConfig;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleHeader;
import io.pcg.proto.v1.LogBundleReceipt;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code Gateway.UploadLogBundle} on the control stream's mTLS channel: the header, then the file in chunks, sent only
 * as fast as gRPC's flow control takes them (the bundle is never in memory whole), then the console's receipt.
 */
@Singleton
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public final class GrpcBundleUpload implements BundleUpload {

    /** Statuses of a connection that failed under the call (gRPC's "transport closed", a channel shut down). */
    private static final Set<Status.Code> LINK_LOST = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.CANCELLED);
    /** Statuses by which the console says no to this bundle or this caller (gateway.proto, UploadLogBundle). */
    private static final Set<Status.Code> REFUSALS = EnumSet.of(
            Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.DATA_LOSS,
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED,
            Status.Code.UNIMPLEMENTED);

    private final Function<Channel, CompletableFuture<Channel>> channel;
    private final LogBundleConfig config;
    /** The channel the last transfer broke off on: the next one waits for another unless it is connected again. */
    private volatile Channel brokenOn;

    @Inject
    public GrpcBundleUpload(BeanProvider<GatewayLink> link, LogBundleConfig config) {
        this(stale -> link.get().registeredChannel(stale), config);
    }

    /**
     * @param channel the channel to call on once there is one (the link's registered stream's), other than the stale
     *                one it is given (null: any)
     */
    public GrpcBundleUpload(Function<Channel, CompletableFuture<Channel>> channel, LogBundleConfig config) {
        this.channel = channel;
        this.config = config;
    }

    @Override
    public Receipt send(String commandId, LogBundle bundle) throws UploadException {
        Duration timeout = config.uploadTimeout();
        Call call = new Call();
        Channel on = awaitChannel(timeout);
        try {
            Receipt receipt = send(on, call, commandId, bundle, timeout);
            brokenOn = null;
            return receipt;
        } catch (UploadException e) {
            if (e.kind() == UploadException.Kind.LINK_LOST) {
                brokenOn = on;
            }
            throw e;
        }
    }

    private Receipt send(Channel on, Call call, String commandId, LogBundle bundle, Duration timeout)
            throws UploadException {
        GatewayGrpc.newStub(on)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .uploadLogBundle(call);
        try (InputStream in = Files.newInputStream(bundle.file())) {
            call.send(LogBundleChunk.newBuilder()
                    .setHeader(LogBundleHeader.newBuilder()
                            .setCommandId(commandId)
                            .setFileName(bundle.fileName())
                            .setSizeBytes(bundle.sizeBytes())
                            .setSha256(bundle.sha256()))
                    .build());
            byte[] buffer = new byte[config.chunkSize()];
            for (int read = in.readNBytes(buffer, 0, buffer.length);
                    read > 0;
                    read = in.readNBytes(buffer, 0, buffer.length)) {
                call.send(LogBundleChunk.newBuilder()
                        .setData(ByteString.copyFrom(buffer, 0, read))
                        .build());
            }
            call.finish();
        } catch (IOException e) {
            call.cancel("the agent could not read the bundle");
            throw new UploadException(
                    "the bundle " + bundle.fileName() + " could not be read ("
                            + e.getClass().getSimpleName() + ")",
                    UploadException.Kind.FAILED);
        } catch (InterruptedException e) {
            call.cancel("the agent is shutting down");
            Thread.currentThread().interrupt();
            throw new UploadException("the agent was stopped during the upload", UploadException.Kind.FAILED);
        }
        LogBundleReceipt receipt = await(call.receipt, timeout);
        return new Receipt(receipt.getBundleId(), receipt.getSizeBytes(), receipt.getSha256());
    }

    /**
     * The registered stream's channel; not the one the last transfer broke off on while that one is not connected (the
     * link is about to replace it, and would close it under a call).
     */
    private Channel awaitChannel(Duration timeout) throws UploadException {
        Channel broken = brokenOn;
        boolean reconnected =
                broken instanceof ManagedChannel managed && managed.getState(false) == ConnectivityState.READY;
        try {
            return channel.apply(reconnected ? null : broken).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UploadException(
                    "the agent has not been connected to the console for " + timeout.toSeconds()
                            + " s (pcg.agent.log-bundle.upload-timeout)",
                    UploadException.Kind.FAILED);
        } catch (ExecutionException e) {
            throw new UploadException("the agent has no connection to the console", UploadException.Kind.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("the agent was stopped during the upload", UploadException.Kind.FAILED);
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) throws UploadException {
        try {
            // The call's own deadline ends it first; this bound only guards against a call that never reports.
            return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            throw new UploadException(
                    "the console did not answer within " + timeout.toSeconds() + " s", UploadException.Kind.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("the agent was stopped during the upload", UploadException.Kind.FAILED);
        }
    }

    private static UploadException failure(Throwable cause) {
        Status status = Status.fromThrowable(cause);
        String why = status.getDescription() == null
                ? status.getCode().toString()
                : status.getCode() + ": " + status.getDescription();
        return new UploadException(
                why,
                LINK_LOST.contains(status.getCode())
                        ? UploadException.Kind.LINK_LOST
                        : REFUSALS.contains(status.getCode())
                                ? UploadException.Kind.REFUSED
                                : UploadException.Kind.FAILED);
    }

    /** One upload call: writes wait while gRPC's buffer is full, and stop as soon as the call has failed. */
    private static final class Call implements ClientResponseObserver<LogBundleChunk, LogBundleReceipt> {

        final CompletableFuture<LogBundleReceipt> receipt = new CompletableFuture<>();
        private final Object ready = new Object();
        private ClientCallStreamObserver<LogBundleChunk> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<LogBundleChunk> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(this::wake);
        }

        void send(LogBundleChunk chunk) throws InterruptedException, UploadException {
            synchronized (ready) {
                while (!requests.isReady() && !receipt.isDone()) {
                    // Woken by the ready handler or the call's end; the timed wait only re-checks both.
                    ready.wait(1000);
                }
            }
            if (receipt.isDone()) {
                throw failure(
                        receipt.isCompletedExceptionally()
                                ? causeOf(receipt)
                                : Status.INTERNAL
                                        .withDescription("the console answered before the whole bundle was sent")
                                        .asRuntimeException());
            }
            requests.onNext(chunk);
        }

        void finish() {
            requests.onCompleted();
        }

        void cancel(String why) {
            requests.cancel(why, null);
        }

        @Override
        public void onNext(LogBundleReceipt value) {
            receipt.complete(value);
        }

        @Override
        public void onError(Throwable error) {
            receipt.completeExceptionally(error);
            wake();
        }

        @Override
        public void onCompleted() {
            receipt.completeExceptionally(Status.INTERNAL
                    .withDescription("the console ended the upload without a receipt")
                    .asRuntimeException());
            wake();
        }

        private void wake() {
            synchronized (ready) {
                ready.notifyAll();
            }
        }

        private static Throwable causeOf(CompletableFuture<?> failed) {
            try {
                failed.join();
                return new StatusRuntimeException(Status.INTERNAL);
            } catch (RuntimeException e) {
                return e.getCause() == null ? e : e.getCause();
            }
        }
    }
}
