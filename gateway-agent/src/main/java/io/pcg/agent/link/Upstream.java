package io.pcg.agent.link;

import io.pcg.proto.v1.AgentMessage;

/**
 * A registered control stream, as seen by code that sends to the console on its own initiative (events, the cluster
 * status) rather than in answer to a command. Such code subscribes with {@link GatewayLink#subscribe}.
 */
public interface Upstream {

    /**
     * Queues a message for the console; thread-safe. False when this stream has ended: the message was not taken,
     * and the caller keeps it for the next stream. True means queued, not delivered: the protocol has no receipts
     * for these messages, so what a stream still held when the connection broke is lost.
     */
    boolean send(AgentMessage message);

    /** Hears of every registered stream and of its end, in that order, on the link's thread. */
    interface Subscriber {

        /** A stream registered (the console answered Register); send through it from now on. */
        void connected(Upstream upstream);

        /** That stream ended; it refuses whatever is sent to it from now on. */
        void disconnected();
    }
}
