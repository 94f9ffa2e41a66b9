package io.pcg.console.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.pcg.common.files.LineLog;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.store.GatewayLogs;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandAck;
import io.pcg.proto.v1.CommandError;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.ConsoleMessage;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands for gateways: a queue per gateway, delivery over the gateway's control stream, acks and results.
 * A command submitted while the gateway is offline waits; on every (re)connect all unfinished commands of that
 * gateway are sent again, oldest first, because the agent runs each id at most once and answers a repeat with
 * the result it already has.
 *
 * <p>Every change of a command's record ({@link CommandRecord}: never the payload) is appended to
 * {@code <dataDir>/commands/<gatewayId>.log}, one JSON record per line, the latest line of an id winning; the file is
 * rewritten to the current records when it has grown to twice their number. Payloads may hold secrets and are never
 * written anywhere, so a restarted console cannot send a command again: one that was still {@code QUEUED} (the
 * gateway never saw it) fails with {@value #CONSOLE_RESTARTED}, and the operator submits it again; one already
 * {@code SENT} or {@code ACKED} stays unfinished and goes out again as a result-only command (id and type, no
 * payload, {@code result_only}), which the agent answers with the result it has for the id without running anything,
 * so the command still completes once, with the agent's own result.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class CommandService {

    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);
    /** Finished commands kept per gateway for lookups; unfinished ones are always kept. */
    static final int KEPT_FINISHED_PER_GATEWAY = 10_000;

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Error code of a command that was still queued (never sent) when the console stopped. */
    public static final String CONSOLE_RESTARTED = "CONSOLE_RESTARTED";

    static final String FOLDER = "commands";

    private final GatewayStore store;
    private final JsonMapper json;
    private final Clock clock;
    private final GatewayLogs logs;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, GatewayQueue> queues = new ConcurrentHashMap<>();

    @Inject
    public CommandService(ConsoleConfig config, GatewayStore store, JsonMapper json, Clock clock) {
        this(config.dataDir(), store, json, clock);
    }

    public CommandService(Path dataDir, GatewayStore store, JsonMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.logs = new GatewayLogs(dataDir.resolve(FOLDER));
        for (String gatewayId : logs.keepOnly(id -> store.find(id).isPresent())) {
            queue(gatewayId);
        }
    }

    /**
     * Queues a command and sends it at once if the gateway is connected.
     *
     * @param payloadJson a JSON object as text; null or blank means {@code {}}. May hold secrets: it is never
     *                    logged and never returned by any API.
     * @throws io.pcg.console.gateway.UnknownGatewayException if no such gateway exists
     * @throws ConsoleException                                 (INVALID) if type or payload are malformed
     */
    public CommandRecord submit(String gatewayId, String type, String payloadJson) {
        store.get(gatewayId);
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "command type '" + type
                            + "' is not valid: use letters, digits, '.', '_' and '-', such as vsphere.validate");
        }
        String payload = payloadJson == null || payloadJson.isBlank() ? "{}" : payloadJson;
        requireJsonObject(payload);
        Entry entry = new Entry("cmd-" + UUID.randomUUID(), gatewayId, type, payload, clock.instant());
        byId.put(entry.id, entry);
        GatewayQueue queue = queue(gatewayId);
        synchronized (queue) {
            queue.commands.put(entry.id, entry);
            persist(queue, entry);
            if (queue.session != null) {
                deliver(queue, entry, queue.session);
            }
            evictFinished(queue);
        }
        LOG.debug("Command {} ({}) queued for gateway {}", entry.id, type, gatewayId);
        return entry.snapshot();
    }

    /** Completes with the agent's result; never completes if the gateway never answers (add your own timeout). */
    public CompletableFuture<CommandResult> result(String commandId) {
        return entry(commandId).done.copy();
    }

    public CommandRecord get(String commandId) {
        return entry(commandId).snapshot();
    }

    public Optional<CommandRecord> find(String commandId) {
        return Optional.ofNullable(byId.get(commandId)).map(Entry::snapshot);
    }

    /** The gateway's commands, oldest first (finished ones beyond the retention limit are forgotten). */
    public List<CommandRecord> list(String gatewayId) {
        GatewayQueue queue = queues.get(gatewayId);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            return queue.commands.values().stream().map(Entry::snapshot).toList();
        }
    }

    /** A gateway registered on a stream: from now on commands go there, starting with every unfinished one. */
    void attach(String gatewayId, GatewaySession session) {
        GatewayQueue queue = queue(gatewayId);
        synchronized (queue) {
            queue.session = session;
            int resent = 0;
            for (Entry entry : queue.commands.values()) {
                if (!entry.state().isFinal()) {
                    deliver(queue, entry, session);
                    resent++;
                }
            }
            if (resent > 0) {
                LOG.info("Sent {} pending command(s) to gateway {} after it connected", resent, gatewayId);
            }
        }
    }

    void detach(String gatewayId, GatewaySession session) {
        GatewayQueue queue = queue(gatewayId);
        synchronized (queue) {
            if (queue.session == session) {
                queue.session = null;
            }
        }
    }

    void acknowledged(String gatewayId, CommandAck ack) {
        ownedEntry(gatewayId, ack.getCommandId()).ifPresent(entry -> {
            GatewayQueue queue = queue(gatewayId);
            synchronized (queue) {
                if (entry.acknowledge(clock.instant(), ack.getQueued() ? ack.getQueuedReason() : null)) {
                    persist(queue, entry);
                }
            }
        });
    }

    void completed(String gatewayId, CommandResult result) {
        ownedEntry(gatewayId, result.getCommandId()).ifPresent(entry -> {
            GatewayQueue queue = queue(gatewayId);
            boolean finished;
            synchronized (queue) {
                finished = entry.finish(result, clock.instant());
                if (finished) {
                    persist(queue, entry);
                }
            }
            if (finished) {
                // Outside the lock: whoever waits for the result may look at other commands.
                entry.done.complete(result);
                LOG.debug("Command {} ({}) of gateway {} finished: {}", entry.id, entry.type, gatewayId, entry.state());
            }
        });
    }

    private Optional<Entry> ownedEntry(String gatewayId, String commandId) {
        Entry entry = byId.get(commandId);
        if (entry == null || !entry.gatewayId.equals(gatewayId)) {
            LOG.debug(
                    "Gateway {} answered command {} which this console has no record of (evicted, or from before a lost data directory)",
                    gatewayId,
                    commandId);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private void deliver(GatewayQueue queue, Entry entry, GatewaySession session) {
        Command command = entry.markSent(clock.instant());
        if (command == null) {
            return;
        }
        persist(queue, entry);
        session.send(ConsoleMessage.newBuilder().setCommand(command).build());
    }

    private void evictFinished(GatewayQueue queue) {
        int excess = queue.commands.size() - KEPT_FINISHED_PER_GATEWAY;
        for (Iterator<Entry> it = queue.commands.values().iterator(); excess > 0 && it.hasNext(); ) {
            Entry oldest = it.next();
            if (oldest.state().isFinal()) {
                it.remove();
                byId.remove(oldest.id);
                excess--;
            }
        }
    }

    private void requireJsonObject(String payload) {
        JsonNode node;
        try {
            node = json.readValue(payload, JsonNode.class);
        } catch (IOException e) {
            throw new ConsoleException(ConsoleException.Kind.INVALID, "command payload is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ConsoleException(ConsoleException.Kind.INVALID, "command payload must be a JSON object");
        }
    }

    /** Appends the command's current record to its gateway's log; the caller holds the queue's lock. */
    private void persist(GatewayQueue queue, Entry entry) {
        logs.append(queue.log, entry.gatewayId, encode(entry.snapshot()));
        compactIfLong(queue);
    }

    private void compactIfLong(GatewayQueue queue) {
        if (queue.log.lineCount() > 2 * queue.commands.size()) {
            rewrite(queue);
        }
    }

    /** Replaces the gateway's log with the current record of each of its commands. */
    private void rewrite(GatewayQueue queue) {
        logs.rewrite(
                queue.log,
                queue.gatewayId,
                queue.commands.values().stream()
                        .map(entry -> encode(entry.snapshot()))
                        .toList());
    }

    private String encode(CommandRecord record) {
        try {
            return json.writeValueAsString(record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode command " + record.id(), e);
        }
    }

    private GatewayQueue queue(String gatewayId) {
        return queues.computeIfAbsent(gatewayId, this::load);
    }

    /**
     * The gateway's commands as the log has them. Those still queued at the restart fail with CONSOLE_RESTARTED; those
     * sent before it wait for the agent's answer to their result-only resend.
     */
    private GatewayQueue load(String gatewayId) {
        List<String> lines = new ArrayList<>();
        GatewayQueue queue = new GatewayQueue(gatewayId, logs.open(gatewayId, lines));
        Map<String, CommandRecord> latest = new LinkedHashMap<>();
        for (String line : lines) {
            try {
                CommandRecord record = json.readValue(line, CommandRecord.class);
                latest.put(record.id(), record);
            } catch (IOException e) {
                LOG.debug("skipping an unreadable command record of gateway {}", gatewayId);
            }
        }
        Instant now = clock.instant();
        int interrupted = 0;
        for (CommandRecord record : latest.values()) {
            CommandRecord restored = record;
            if (record.status() == CommandState.QUEUED) {
                restored = new CommandRecord(
                        record.id(),
                        record.gatewayId(),
                        record.type(),
                        CommandState.FAILED,
                        record.submittedAt(),
                        record.sentAt(),
                        record.ackedAt(),
                        now,
                        new CommandRecord.Failure(
                                CONSOLE_RESTARTED,
                                "the console restarted before it sent this command to the gateway, and it"
                                        + " never stores command payloads (they may hold secrets), so it cannot send it now",
                                "check the gateway's state and events, then submit the command again if it is still needed"),
                        null,
                        record.queuedReason());
                interrupted++;
            }
            Entry entry = new Entry(restored);
            queue.commands.put(entry.id, entry);
            byId.put(entry.id, entry);
        }
        if (interrupted > 0) {
            LOG.warn(
                    "{} command(s) of gateway {} were still queued when the console stopped; they are marked FAILED ({})",
                    interrupted,
                    gatewayId,
                    CONSOLE_RESTARTED);
        }
        if (interrupted > 0 || latest.size() < lines.size()) {
            rewrite(queue);
        }
        return queue;
    }

    private Entry entry(String commandId) {
        Entry entry = byId.get(commandId);
        if (entry == null) {
            throw new ConsoleException(
                    ConsoleException.Kind.NOT_FOUND,
                    "no command with id '" + commandId + "' (finished commands beyond the latest "
                            + KEPT_FINISHED_PER_GATEWAY + " per gateway are forgotten)");
        }
        return entry;
    }

    /** One gateway's commands; every change is made and persisted under its lock. */
    private static final class GatewayQueue {
        final String gatewayId;
        final LineLog log;
        /** Insertion order = submission order, which is also the resend order. */
        final LinkedHashMap<String, Entry> commands = new LinkedHashMap<>();

        GatewaySession session;

        GatewayQueue(String gatewayId, LineLog log) {
            this.gatewayId = gatewayId;
            this.log = log;
        }
    }

    /** Mutable state of one command; every transition is synchronized on the entry. */
    private static final class Entry {
        final String id;
        final String gatewayId;
        final String type;
        final Instant submittedAt;
        final CompletableFuture<CommandResult> done = new CompletableFuture<>();
        private String payloadJson;
        private CommandState state = CommandState.QUEUED;
        private Instant sentAt;
        private Instant ackedAt;
        private Instant finishedAt;
        private CommandRecord.Failure failure;
        private String resultJson;
        private String queuedReason;

        Entry(String id, String gatewayId, String type, String payloadJson, Instant submittedAt) {
            this.id = id;
            this.gatewayId = gatewayId;
            this.type = type;
            this.payloadJson = payloadJson;
            this.submittedAt = submittedAt;
        }

        /**
         * A command read back from the log: finished, or sent before the restart and still waiting for the agent's
         * answer. Its payload was never stored.
         */
        Entry(CommandRecord stored) {
            this(stored.id(), stored.gatewayId(), stored.type(), null, stored.submittedAt());
            state = stored.status();
            sentAt = stored.sentAt();
            ackedAt = stored.ackedAt();
            finishedAt = stored.finishedAt();
            failure = stored.error();
            resultJson = stored.resultJson();
            queuedReason = stored.queuedReason();
            if (state.isFinal()) {
                done.complete(asResult(stored));
            }
        }

        synchronized CommandState state() {
            return state;
        }

        /**
         * The command to send, result-only when its payload was lost in a restart; null once it finished (its
         * payload is dropped then).
         */
        synchronized Command markSent(Instant now) {
            if (state.isFinal()) {
                return null;
            }
            if (state == CommandState.QUEUED) {
                state = CommandState.SENT;
            }
            sentAt = now;
            Command.Builder command = Command.newBuilder().setId(id).setType(type);
            return (payloadJson == null ? command.setResultOnly(true) : command.setPayloadJson(payloadJson)).build();
        }

        /**
         * False if nothing changed: acknowledged already, or finished. A queued ack ({@code queuedReason} set) moves a
         * sent command to {@link CommandState#QUEUED_BY_AGENT}; a plain ack, also one that follows a queued ack when
         * the agent starts the command, to {@link CommandState#ACKED}.
         */
        synchronized boolean acknowledge(Instant now, String reason) {
            boolean unacked = state == CommandState.QUEUED || state == CommandState.SENT;
            if (reason != null && unacked) {
                state = CommandState.QUEUED_BY_AGENT;
                queuedReason = reason;
                ackedAt = now;
                return true;
            }
            if (reason == null && (unacked || state == CommandState.QUEUED_BY_AGENT)) {
                state = CommandState.ACKED;
                if (ackedAt == null) {
                    ackedAt = now;
                }
                return true;
            }
            return false;
        }

        /** False for a repeated result: the first one counts. The caller completes {@link #done}. */
        synchronized boolean finish(CommandResult agentResult, Instant now) {
            if (state.isFinal()) {
                return false;
            }
            state = agentResult.getStatus() == CommandStatus.COMMAND_STATUS_SUCCEEDED
                    ? CommandState.SUCCEEDED
                    : CommandState.FAILED;
            resultJson = agentResult.getPayloadJson().isEmpty() ? null : agentResult.getPayloadJson();
            if (state == CommandState.FAILED) {
                failure = agentResult.hasError()
                        ? new CommandRecord.Failure(
                                agentResult.getError().getCode(),
                                agentResult.getError().getMessage(),
                                agentResult.getError().getHint())
                        : new CommandRecord.Failure(
                                "UNSPECIFIED",
                                "the agent reported a failure without details",
                                "check the agent's log for this command id");
            }
            finishedAt = now;
            if (ackedAt == null) {
                ackedAt = now;
            }
            payloadJson = null;
            return true;
        }

        synchronized CommandRecord snapshot() {
            return new CommandRecord(
                    id,
                    gatewayId,
                    type,
                    state,
                    submittedAt,
                    sentAt,
                    ackedAt,
                    finishedAt,
                    failure,
                    resultJson,
                    queuedReason);
        }

        /** What {@link #result} hands out for a command finished before the restart. */
        private static CommandResult asResult(CommandRecord finished) {
            CommandResult.Builder result = CommandResult.newBuilder()
                    .setCommandId(finished.id())
                    .setStatus(
                            finished.status() == CommandState.SUCCEEDED
                                    ? CommandStatus.COMMAND_STATUS_SUCCEEDED
                                    : CommandStatus.COMMAND_STATUS_FAILED);
            if (finished.resultJson() != null) {
                result.setPayloadJson(finished.resultJson());
            }
            if (finished.error() != null) {
                result.setError(CommandError.newBuilder()
                        .setCode(finished.error().code())
                        .setMessage(finished.error().message())
                        .setHint(finished.error().hint()));
            }
            return result.build();
        }
    }
}
