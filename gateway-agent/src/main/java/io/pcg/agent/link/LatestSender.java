package io.pcg.agent.link;

import io.pcg.proto.v1.AgentMessage;

/**
 * Keeps the console's copy of one whole picture current (the cluster status, the cluster health): each new picture
 * goes up the registered stream at once, and the latest one again to every stream that registers. Only the latest
 * counts: a picture replaced while the console could not be reached is never sent. Thread-safe; never blocks on the
 * network.
 */
public final class LatestSender implements Upstream.Subscriber {

    /** Guarded by this. */
    private AgentMessage latest;
    /** Guarded by this; null while no stream is registered. */
    private Upstream upstream;

    /** Sends {@code picture} if a stream is registered, and keeps it for the next one. */
    public synchronized void send(AgentMessage picture) {
        latest = picture;
        if (upstream != null && !upstream.send(picture)) {
            // That stream has ended; the next one gets the latest picture when it registers.
            upstream = null;
        }
    }

    @Override
    public synchronized void connected(Upstream stream) {
        if (latest != null && !stream.send(latest)) {
            return;
        }
        upstream = stream;
    }

    @Override
    public synchronized void disconnected() {
        upstream = null;
    }
}
