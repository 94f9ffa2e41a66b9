package io.pcg.agent.command;

import io.pcg.agent.metrics.AgentMeters;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandAck;
import io.pcg.proto.v1.CommandError;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs console commands on the {@link CommandHandler} registered for their type, at most once per command id: blocking
 * handlers on a bounded pool (never on the gRPC thread), non-blocking ones inline. A repeated id, e.g. resent after a
 * reconnect, gets the result already produced, or its ack again while the command still runs; a result-only command
 * (sent by a console that restarted and lost the payload) is never run. Results go to the control stream that is
 * current when they are ready, so a command that outlives a reconnect still reports back.
 *
 * <p>A command the {@link CommandQueue} holds (a tenant-cluster request during a gateway upgrade) is acked as queued
 * and run later, one at a time in arrival order, when the queue releases it: a plain ack when it starts, then its
 * result. A queued command survives an agent restart; one that was running when the agent stopped runs again, so
 * queueable handlers must be idempotent by command id.
 */
public final class CommandDispatcher implements AutoCloseable {

    public static final int DEFAULT_THREADS = 8;
    /**
     * Blocking commands that may wait for a thread. Fewer than the console's window (1024 on the control stream),
     * so a flood is refused with {@value #BUSY} at once instead of waiting minutes behind a long queue.
     */
    public static final int DEFAULT_QUEUE = 256;

    public static final int DEFAULT_REMEMBERED = 4096;
    /** Error code of a command refused because the agent already holds as many as it may run and queue. */
    public static final String BUSY = "AGENT_BUSY";
    /** Error code of a result-only command ({@code Command.result_only}) whose id this agent does not know. */
    public static final String NOT_RECEIVED = "COMMAND_NOT_RECEIVED";

    private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

    private final Map<String, CommandHandler> handlers;
    private final ExecutorService executor;
    private final Map<String, CommandResult> results;
    private final int rememberedResults;
    /** Blocking commands running or waiting for a thread, at most {@link #capacity}; and the most there ever were. */
    private final int capacity;

    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger peakHeld = new AtomicInteger();
    private final AtomicReference<Consumer<AgentMessage>> outbox = new AtomicReference<>(message -> {});
    private final AgentMeters meters;
    private final CommandQueue queue;
    /** Runs released queued commands, one at a time, so that they finish in arrival order. */
    private final ExecutorService released = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pcg-command-queued");
        thread.setDaemon(true);
        return thread;
    });

    public CommandDispatcher(
            Collection<? extends CommandHandler> handlers, int threads, int queueCapacity, int rememberedResults) {
        this(handlers, threads, queueCapacity, rememberedResults, CommandQueue.none(), AgentMeters.unregistered());
    }

    /**
     * @param queue  holds the commands the gateway's phase does not run yet
     * @param meters counts and times every command by type and outcome
     */
    public CommandDispatcher(
            Collection<? extends CommandHandler> handlers,
            int threads,
            int queueCapacity,
            int rememberedResults,
            CommandQueue queue,
            AgentMeters meters) {
        this.meters = meters;
        TreeMap<String, CommandHandler> byType = new TreeMap<>();
        for (CommandHandler handler : handlers) {
            CommandHandler previous = byType.put(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("two command handlers for type '" + handler.type() + "': "
                        + previous.getClass().getName() + " and "
                        + handler.getClass().getName());
            }
        }
        this.handlers = Collections.unmodifiableSortedMap(byType);
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity + threads), runnable -> {
                    Thread thread = new Thread(runnable, "pcg-command-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        this.rememberedResults = rememberedResults;
        this.capacity = threads + queueCapacity;
        this.results = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > rememberedResults;
            }
        };
        this.queue = queue;
        queue.onChange(this::releaseQueued);
        releaseQueued();
    }

    /** Where acks and results go from now on: the control stream that just registered. */
    public void attach(Consumer<AgentMessage> stream) {
        outbox.set(stream);
    }

    /** Stops sending to a stream that ended; results produced meanwhile are kept for the resent command. */
    public void detach(Consumer<AgentMessage> stream) {
        outbox.compareAndSet(stream, message -> {});
    }

    /**
     * Accepts a command: runs it, or answers from memory when the id was seen before. A command whose result is
     * ready at once (a repeat, an unknown type, a non-blocking handler) gets only its result, which implies the ack;
     * one that goes to the pool is acked first.
     *
     * @param done called once the command no longer occupies the agent (for inbound flow control)
     */
    public void dispatch(Command command, Runnable done) {
        String id = command.getId();
        CommandResult known;
        Optional<String> holdReason = Optional.empty();
        synchronized (results) {
            known = results.get(id);
            if (known == null && command.getResultOnly()) {
                // A console that restarted asks what became of a command the agent may still be holding.
                holdReason = queue.waitingReason(id);
            } else if (known == null) {
                try {
                    holdReason = queue.holdIfNeeded(command);
                } catch (IOException e) {
                    // The exception may quote the payload (a JSON parser's), so only its type is reported.
                    LOG.error(
                            "command {} ({}) could not be queued: {}",
                            id,
                            command.getType(),
                            e.getClass().getName());
                    known = failed(
                            id,
                            "COMMAND_QUEUE_FAILED",
                            "the agent must queue '" + command.getType()
                                    + "' until the gateway can run it, but could not store it ("
                                    + e.getClass().getSimpleName()
                                    + ")",
                            "Check that the payload is a JSON object and that the agent's disk has room, then resend it.");
                }
                if (holdReason.isEmpty() && known == null) {
                    results.put(id, CommandResult.getDefaultInstance());
                }
            }
        }
        if (holdReason.isPresent()) {
            send(AgentMessage.newBuilder()
                    .setAck(CommandAck.newBuilder()
                            .setCommandId(id)
                            .setQueued(true)
                            .setQueuedReason(holdReason.get()))
                    .build());
            done.run();
            return;
        }
        if (known != null) {
            send(
                    known == CommandResult.getDefaultInstance()
                            ? AgentMessage.newBuilder()
                                    .setAck(CommandAck.newBuilder().setCommandId(id))
                                    .build()
                            : AgentMessage.newBuilder().setResult(known).build());
            done.run();
            return;
        }
        if (command.getResultOnly()) {
            // The console lost the payload in a restart and only asks what became of the command: never run it.
            send(AgentMessage.newBuilder()
                    .setResult(
                            failed(
                                    id,
                                    NOT_RECEIVED,
                                    "the gateway has no record of command "
                                            + id + ": it never arrived, or the agent restarted or ran more than "
                                            + rememberedResults
                                            + " commands since, so its outcome is unknown here",
                                    "Check the gateway's state and events, then submit the command again if it is still needed."))
                    .build());
            done.run();
            return;
        }
        CommandHandler handler = handlers.get(command.getType());
        if (handler == null || !handler.blocking()) {
            complete(run(command, handler));
            done.run();
            return;
        }
        if (!admit()) {
            refuseBusy(command, done);
            return;
        }
        send(AgentMessage.newBuilder()
                .setAck(CommandAck.newBuilder().setCommandId(id))
                .build());
        try {
            executor.execute(() -> {
                try {
                    complete(run(command, handler));
                } finally {
                    held.decrementAndGet();
                    done.run();
                }
            });
        } catch (RejectedExecutionException full) {
            // Only when the agent is stopping: the pool's queue has room for every admitted command, and for one
            // more per worker that finished a command but is still returning from it.
            held.decrementAndGet();
            refuseBusy(command, done);
        }
    }

    private boolean admit() {
        int now = held.incrementAndGet();
        if (now > capacity) {
            held.decrementAndGet();
            return false;
        }
        peakHeld.accumulateAndGet(now, Math::max);
        return true;
    }

    /**
     * Refuses a command the agent has no room for. The refusal is not remembered as the id's result, so the same
     * command sent again later runs.
     */
    private void refuseBusy(Command command, Runnable done) {
        String id = command.getId();
        meters.command(command.getType(), AgentMeters.BUSY, 0);
        synchronized (results) {
            results.remove(id);
        }
        send(AgentMessage.newBuilder()
                .setResult(failed(
                        id,
                        BUSY,
                        "the agent is already running or queueing " + capacity
                                + " commands, as many as it takes at once, so it did not run this one",
                        "Send the command again once earlier commands have finished; if the agent stays busy, check its events"
                                + " and logs for a command that does not finish."))
                .build());
        done.run();
    }

    /** The most blocking commands the agent held (running or waiting) at once since it started. */
    public int peakHeld() {
        return peakHeld.get();
    }

    /** How many blocking commands it holds at most; more are refused with {@value #BUSY}. */
    public int capacity() {
        return capacity;
    }

    /** Runs the queued commands the queue lets go now, oldest first; called whenever the queue may have changed. */
    private void releaseQueued() {
        try {
            released.execute(() -> {
                for (Optional<CommandQueue.Queued> next = queue.next(); next.isPresent(); next = queue.next()) {
                    CommandQueue.Queued queued = next.get();
                    boolean ran;
                    synchronized (results) {
                        // Ran already when striking it from the queue failed last time: only strike it again.
                        ran = results.get(queued.id()) != null;
                        if (!ran) {
                            results.put(queued.id(), CommandResult.getDefaultInstance());
                        }
                    }
                    if (!ran) {
                        send(AgentMessage.newBuilder()
                                .setAck(CommandAck.newBuilder().setCommandId(queued.id()))
                                .build());
                        complete(run(queued.command(), handlers.get(queued.type())));
                    }
                    try {
                        queue.done(queued.id());
                    } catch (IOException e) {
                        LOG.error(
                                "queued command {} ran but could not be struck from the queue; it runs again after a"
                                        + " restart: {}",
                                queued.id(),
                                e.toString());
                        return;
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("the dispatcher is closed; queued commands run after the next start");
        }
    }

    private CommandResult run(Command command, CommandHandler handler) {
        long start = System.nanoTime();
        CommandResult result = runHandler(command, handler);
        meters.command(
                handler == null ? AgentMeters.UNKNOWN : command.getType(),
                handler == null
                        ? AgentMeters.UNKNOWN_TYPE
                        : result.getStatus() == CommandStatus.COMMAND_STATUS_SUCCEEDED
                                ? AgentMeters.SUCCEEDED
                                : AgentMeters.FAILED,
                System.nanoTime() - start);
        return result;
    }

    private CommandResult runHandler(Command command, CommandHandler handler) {
        String id = command.getId();
        if (handler == null) {
            LOG.warn("command {} has unknown type '{}'; known types: {}", id, command.getType(), handlers.keySet());
            return failed(
                    id,
                    "UNKNOWN_COMMAND_TYPE",
                    "this agent has no handler for command type '" + command.getType() + "'; it knows: "
                            + String.join(", ", handlers.keySet()),
                    "Check the command type, or update the gateway if the console is newer than the agent.");
        }
        String payload = command.getPayloadJson().isBlank() ? "{}" : command.getPayloadJson();
        try {
            String result = handler.handle(new AgentCommand(id, command.getType(), payload));
            return CommandResult.newBuilder()
                    .setCommandId(id)
                    .setStatus(CommandStatus.COMMAND_STATUS_SUCCEEDED)
                    .setPayloadJson(result == null ? "{}" : result)
                    .build();
        } catch (CommandFailedException e) {
            LOG.warn("command {} ({}) failed: {} {}", id, command.getType(), e.code(), e.getMessage());
            return failed(id, e.code(), e.getMessage(), e.hint() == null ? "" : e.hint());
        } catch (RuntimeException e) {
            // The exception text may quote the payload (JSON parsers do), so only its type is reported.
            LOG.error(
                    "command {} ({}) failed unexpectedly with {}",
                    id,
                    command.getType(),
                    e.getClass().getName());
            return failed(
                    id,
                    "AGENT_INTERNAL_ERROR",
                    "the '" + command.getType() + "' handler failed unexpectedly ("
                            + e.getClass().getSimpleName() + ")",
                    "Collect the agent logs and open a support ticket.");
        }
    }

    private static CommandResult failed(String id, String code, String message, String hint) {
        return CommandResult.newBuilder()
                .setCommandId(id)
                .setStatus(CommandStatus.COMMAND_STATUS_FAILED)
                .setError(CommandError.newBuilder()
                        .setCode(code)
                        .setMessage(message)
                        .setHint(hint))
                .build();
    }

    private void complete(CommandResult result) {
        synchronized (results) {
            results.put(result.getCommandId(), result);
        }
        send(AgentMessage.newBuilder().setResult(result).build());
    }

    private void send(AgentMessage message) {
        outbox.get().accept(message);
    }

    @Override
    public void close() {
        released.shutdownNow();
        executor.shutdownNow();
    }
}
