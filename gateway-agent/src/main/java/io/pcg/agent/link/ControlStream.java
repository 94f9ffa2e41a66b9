package io.pcg.agent.link;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.pcg.agent.command.CommandDispatcher;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.Heartbeat;
import io.pcg.proto.v1.Register;
import io.pcg.proto.v1.Registered;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One Gateway.Connect stream: Register first, then heartbeats, acks and results up, commands down. A console that does
 * not answer Register in time fails the stream (DEADLINE_EXCEEDED), so a hung console cannot hold the agent forever;
 * a dead connection after that is found by the channel's keepalive.
 * Outbound messages from any thread go through a queue drained only while gRPC reports the stream ready, so a slow
 * console pushes back instead of filling memory. Inbound, the agent grants the console a window of commands and
 * hands slots back as commands finish (see {@link #GRANT_BATCH}).
 */
final class ControlStream
        implements ClientResponseObserver<AgentMessage, ConsoleMessage>, Consumer<AgentMessage>, Upstream {

    /** Commands the console may have outstanding on this stream before it must wait. */
    static final int COMMAND_WINDOW = 1024;
    /**
     * Finished commands whose window slots are handed back together: each grant is a task on the transport thread,
     * and returning slots one by one costs about as much as the command itself for cheap ones.
     */
    static final int GRANT_BATCH = 64;
    /**
     * Messages waiting for the console to read beyond which finished commands' slots are held back: a console that
     * sends commands but reads no answers would otherwise grow the outbound queue without end (each answered command
     * frees a slot for one more). Held-back slots are handed back once the console has read enough.
     */
    static final int OUTBOUND_LIMIT = 2 * COMMAND_WINDOW;

    /** What the owner of the stream hears about it. Called on gRPC threads. */
    interface Listener {
        void registered(Registered registered);

        void heartbeatSent(Instant at);

        /** @param failure null when the console completed the stream normally */
        void closed(Throwable failure);
    }

    private final Register register;
    private final Duration registerTimeout;
    private final Duration heartbeatInterval;
    private final CommandDispatcher dispatcher;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private final Clock clock;
    private final Queue<AgentMessage> outbound = new ConcurrentLinkedQueue<>();
    /** The size of {@link #outbound} (a ConcurrentLinkedQueue counts by walking it), and the most it ever was. */
    private final AtomicInteger backlog = new AtomicInteger();

    private final AtomicInteger peakBacklog = new AtomicInteger();
    private final Object sendLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong heartbeatSequence = new AtomicLong();
    private final AtomicInteger unfinishedCommands = new AtomicInteger();
    private final AtomicInteger ungrantedSlots = new AtomicInteger();
    private volatile ClientCallStreamObserver<AgentMessage> requests;
    private volatile ScheduledFuture<?> heartbeats;
    private volatile ScheduledFuture<?> registerDeadline;
    private volatile boolean registered;
    /** Guarded by {@link #sendLock}: {@link #finish} was asked for, and then whether the agent's side is closed. */
    private boolean finishing;

    private boolean halfClosed;

    ControlStream(
            Register register,
            Duration registerTimeout,
            Duration heartbeatInterval,
            CommandDispatcher dispatcher,
            ScheduledExecutorService scheduler,
            Listener listener,
            Clock clock) {
        this.register = register;
        this.registerTimeout = registerTimeout;
        this.heartbeatInterval = heartbeatInterval;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.listener = listener;
        this.clock = clock;
    }

    void start(Channel channel) {
        registerDeadline =
                scheduler.schedule(this::registerTimedOut, registerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        GatewayGrpc.newStub(channel).connect(this);
        accept(AgentMessage.newBuilder().setRegister(register).build());
    }

    /** The failure is reported before the call is cancelled, so the listener hears this reason, not "cancelled". */
    private void registerTimedOut() {
        if (registered || closed.get()) {
            return;
        }
        String why = "no answer to Register within " + registerTimeout.toMillis() + " ms";
        end(Status.DEADLINE_EXCEEDED.withDescription(why).asRuntimeException());
        requests.cancel(why, null);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        this.requests = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
        requestStream.setOnReadyHandler(this::drain);
    }

    @Override
    public void onNext(ConsoleMessage message) {
        switch (message.getBodyCase()) {
            case REGISTERED -> onRegistered(message.getRegistered());
            case COMMAND -> {
                unfinishedCommands.incrementAndGet();
                dispatcher.dispatch(message.getCommand(), this::commandFinished);
            }
            default -> requests.request(1);
        }
    }

    /**
     * Hands the finished command's slot back, in batches; the last unfinished command flushes the rest, so a slot
     * is held back only while some other command is still running and will flush it when it ends.
     */
    private void commandFinished() {
        ungrantedSlots.incrementAndGet();
        unfinishedCommands.decrementAndGet();
        grantFinishedSlots();
    }

    private void grantFinishedSlots() {
        if (grantDue(ungrantedSlots.get(), unfinishedCommands.get(), backlog.get())) {
            int grant = ungrantedSlots.getAndSet(0);
            if (grant > 0) {
                requests.request(grant);
            }
        }
    }

    /**
     * Whether finished commands' slots go back now: a batch of them, or all once no command runs, and only while the
     * console reads what it was sent.
     */
    static boolean grantDue(int ungranted, int unfinished, int backlog) {
        return backlog < OUTBOUND_LIMIT && (ungranted >= GRANT_BATCH || (ungranted > 0 && unfinished == 0));
    }

    /** The most messages that ever waited for the console to read them. */
    int peakBacklog() {
        return peakBacklog.get();
    }

    private void onRegistered(Registered registered) {
        if (closed.get()) {
            return;
        }
        this.registered = true;
        registerDeadline.cancel(false);
        dispatcher.attach(this);
        Duration interval = registered.getHeartbeatIntervalSeconds() > 0
                ? Duration.ofSeconds(registered.getHeartbeatIntervalSeconds())
                : heartbeatInterval;
        heartbeats = scheduler.scheduleAtFixedRate(
                this::sendHeartbeat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        listener.registered(registered);
        requests.request(COMMAND_WINDOW);
    }

    private void sendHeartbeat() {
        Instant now = clock.instant();
        accept(AgentMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder()
                        .setSequence(heartbeatSequence.incrementAndGet())
                        .setSentAt(Timestamp.newBuilder()
                                .setSeconds(now.getEpochSecond())
                                .setNanos(now.getNano())))
                .build());
        listener.heartbeatSent(now);
    }

    /** Queues a message for the console; thread-safe. */
    @Override
    public void accept(AgentMessage message) {
        send(message);
    }

    @Override
    public boolean send(AgentMessage message) {
        synchronized (sendLock) {
            if (closed.get() || halfClosed) {
                return false;
            }
            outbound.add(message);
            peakBacklog.accumulateAndGet(backlog.incrementAndGet(), Math::max);
        }
        drain();
        return true;
    }

    /**
     * The agent's last words on this stream: what is queued goes out, then the agent's side is closed (half-close);
     * the console reads every message before the end of the stream, so when it ends the stream in answer (the
     * listener's {@code closed}) everything sent before has been read. Heartbeats stop; later sends are refused.
     */
    void finish() {
        synchronized (sendLock) {
            finishing = true;
        }
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        drain();
    }

    private void drain() {
        ClientCallStreamObserver<AgentMessage> stream = requests;
        synchronized (sendLock) {
            while (!closed.get() && !halfClosed && stream.isReady()) {
                AgentMessage next = outbound.poll();
                if (next == null) {
                    if (finishing) {
                        halfClosed = true;
                        stream.onCompleted();
                    }
                    break;
                }
                backlog.decrementAndGet();
                stream.onNext(next);
            }
        }
        if (registered && !closed.get()) {
            // Slots held back while the console was not reading go back now that it reads again.
            grantFinishedSlots();
        }
    }

    @Override
    public void onError(Throwable failure) {
        end(failure);
    }

    @Override
    public void onCompleted() {
        end(null);
    }

    private void end(Throwable failure) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopTimers();
        synchronized (sendLock) {
            outbound.clear();
            backlog.set(0);
        }
        listener.closed(failure);
    }

    /** Ends the stream from the agent's side (shutdown, switch to a renewed identity); the listener is not called. */
    void cancel(String why) {
        if (closed.compareAndSet(false, true)) {
            stopTimers();
            requests.cancel(why, null);
        }
    }

    private void stopTimers() {
        dispatcher.detach(this);
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {heartbeats, registerDeadline}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
