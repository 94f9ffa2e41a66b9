package io.pcg.agent.link;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.Registered;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The console side of Gateway.Connect for in-process tests: records what the agent sends, sends what the test says. */
public final class FakeGatewayService extends GatewayGrpc.GatewayImplBase {

    public final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    private volatile StreamObserver<ConsoleMessage> toAgent;
    private volatile ServerCallStreamObserver<ConsoleMessage> call;
    private volatile boolean reading = true;

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ConsoleMessage> responses) {
        toAgent = responses;
        // Reads one message at a time, so that the test can stop reading and the agent sees a console that does not.
        call = (ServerCallStreamObserver<ConsoleMessage>) responses;
        call.disableAutoRequest();
        call.request(1);
        return new StreamObserver<>() {
            @Override
            public void onNext(AgentMessage message) {
                received.add(message);
                if (reading) {
                    call.request(1);
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    public void registered(String gatewayId, int heartbeatSeconds) {
        send(ConsoleMessage.newBuilder()
                .setRegistered(
                        Registered.newBuilder().setGatewayId(gatewayId).setHeartbeatIntervalSeconds(heartbeatSeconds))
                .build());
    }

    public void command(String id, String type, String payload) {
        send(ConsoleMessage.newBuilder()
                .setCommand(Command.newBuilder().setId(id).setType(type).setPayloadJson(payload))
                .build());
    }

    public synchronized void send(ConsoleMessage message) {
        toAgent.onNext(message);
    }

    /** Reads nothing more from the agent (after at most one more message) until {@link #resumeReading()}. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        call.request(1);
    }

    public void complete() {
        toAgent.onCompleted();
    }

    /** The next message the agent sent; fails the test if none comes within a generous bound. */
    public AgentMessage next() throws InterruptedException {
        AgentMessage message = received.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("the agent sent nothing");
        }
        return message;
    }

    /** The next message of the given kind, skipping heartbeats. */
    public AgentMessage next(AgentMessage.BodyCase kind) throws InterruptedException {
        while (true) {
            AgentMessage message = next();
            if (message.getBodyCase() == kind) {
                return message;
            }
            if (message.getBodyCase() != AgentMessage.BodyCase.HEARTBEAT) {
                throw new AssertionError("expected " + kind + " but the agent sent " + message);
            }
        }
    }
}
