package io.pcg.console.control;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.pcg.proto.v1.ConsoleMessage;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The downstream half of one open control stream. Any thread may {@link #send}; messages are queued and written
 * only while gRPC says the stream is ready, and the rest is written from the on-ready callback, so a slow agent
 * makes the queue grow instead of blocking callers or buffering without bound inside the transport.
 */
final class GatewaySession {

    private final String gatewayId;
    private final ServerCallStreamObserver<ConsoleMessage> call;
    private final Instant openedAt;
    private final Queue<ConsoleMessage> outbox = new ConcurrentLinkedQueue<>();
    private final Object writeLock = new Object();
    private volatile boolean registered;
    private volatile boolean closed;

    GatewaySession(String gatewayId, ServerCallStreamObserver<ConsoleMessage> call, Instant openedAt) {
        this.gatewayId = gatewayId;
        this.call = call;
        this.openedAt = openedAt;
    }

    String gatewayId() {
        return gatewayId;
    }

    Instant openedAt() {
        return openedAt;
    }

    boolean isRegistered() {
        return registered;
    }

    void markRegistered() {
        registered = true;
    }

    boolean isClosed() {
        return closed;
    }

    void send(ConsoleMessage message) {
        outbox.add(message);
        drain();
    }

    /** Writes queued messages while the transport accepts them; also the stream's on-ready handler. */
    void drain() {
        synchronized (writeLock) {
            while (!closed && call.isReady()) {
                ConsoleMessage next = outbox.poll();
                if (next == null) {
                    return;
                }
                call.onNext(next);
            }
        }
    }

    /** Ends the stream from the console's side; false if it had ended already. */
    boolean close(Status status) {
        return close(status.asRuntimeException());
    }

    /** Ends the stream with a status that may carry details (trailers), e.g. a {@code GatewayRefusal}. */
    boolean close(StatusRuntimeException status) {
        synchronized (writeLock) {
            if (closed) {
                return false;
            }
            closed = true;
            outbox.clear();
            try {
                call.onError(status);
            } catch (IllegalStateException alreadyClosedByTransport) {
                // The agent went away at the same moment; nothing left to tell it.
            }
            return true;
        }
    }

    /** Answers the agent's half-close by closing our half too. */
    void complete() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            outbox.clear();
            try {
                call.onCompleted();
            } catch (IllegalStateException alreadyClosedByTransport) {
                // Same race as in close().
            }
        }
    }

    /** The transport reported the stream gone; stop writing to it. */
    void markGone() {
        closed = true;
        outbox.clear();
    }
}
