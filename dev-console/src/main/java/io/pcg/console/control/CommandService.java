package io.pcg.console.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandAck;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.ConsoleMessage;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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

/**
 * Commands for gateways: a queue per gateway, delivery over the gateway's control stream, acks and results.
 * A command submitted while the gateway is offline waits; on every (re)connect all unfinished commands of that
 * gateway are sent again, oldest first, because the agent runs each id at most once and answers a repeat with
 * the result it already has. Commands live in memory only: a console restart forgets them.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class CommandService {

    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);
    /** Finished commands kept per gateway for lookups; unfinished ones are always kept. */
    static final int KEPT_FINISHED_PER_GATEWAY = 10_000;
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final GatewayStore store;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, GatewayQueue> queues = new ConcurrentHashMap<>();

    public CommandService(GatewayStore store, JsonMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
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
            throw new ConsoleException(ConsoleException.Kind.INVALID, "command type '" + type
                    + "' is not valid: use letters, digits, '.', '_' and '-', such as vsphere.validate");
        }
        String payload = payloadJson == null || payloadJson.isBlank() ? "{}" : payloadJson;
        requireJsonObject(payload);
        Entry entry = new Entry("cmd-" + UUID.randomUUID(), gatewayId, type, payload, clock.instant());
        byId.put(entry.id, entry);
        GatewayQueue queue = queue(gatewayId);
        synchronized (queue) {
            queue.commands.put(entry.id, entry);
            if (queue.session != null) {
                deliver(entry, queue.session);
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
                    deliver(entry, session);
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
        ownedEntry(gatewayId, ack.getCommandId()).ifPresent(entry -> entry.acknowledge(clock.instant()));
    }

    void completed(String gatewayId, CommandResult result) {
        ownedEntry(gatewayId, result.getCommandId()).ifPresent(entry -> {
            if (entry.finish(result, clock.instant())) {
                LOG.debug("Command {} ({}) of gateway {} finished: {}", entry.id, entry.type, gatewayId, entry.state());
            }
        });
    }

    private Optional<Entry> ownedEntry(String gatewayId, String commandId) {
        Entry entry = byId.get(commandId);
        if (entry == null || !entry.gatewayId.equals(gatewayId)) {
            LOG.debug("Gateway {} answered command {} which this console does not know (restarted since?)",
                    gatewayId, commandId);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private void deliver(Entry entry, GatewaySession session) {
        String payload = entry.markSent(clock.instant());
        if (payload == null) {
            return;
        }
        session.send(ConsoleMessage.newBuilder().setCommand(Command.newBuilder()
                .setId(entry.id).setType(entry.type).setPayloadJson(payload)).build());
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

    private GatewayQueue queue(String gatewayId) {
        return queues.computeIfAbsent(gatewayId, id -> new GatewayQueue());
    }

    private Entry entry(String commandId) {
        Entry entry = byId.get(commandId);
        if (entry == null) {
            throw new ConsoleException(ConsoleException.Kind.NOT_FOUND, "no command with id '" + commandId
                    + "' (commands are kept in memory: a console restart forgets them)");
        }
        return entry;
    }

    private static final class GatewayQueue {
        /** Insertion order = submission order, which is also the resend order. */
        final LinkedHashMap<String, Entry> commands = new LinkedHashMap<>();
        GatewaySession session;
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
        private CommandResult result;

        Entry(String id, String gatewayId, String type, String payloadJson, Instant submittedAt) {
            this.id = id;
            this.gatewayId = gatewayId;
            this.type = type;
            this.payloadJson = payloadJson;
            this.submittedAt = submittedAt;
        }

        synchronized CommandState state() {
            return state;
        }

        /** The payload to send, or null once the command finished (its payload is dropped then). */
        synchronized String markSent(Instant now) {
            if (state.isFinal()) {
                return null;
            }
            if (state == CommandState.QUEUED) {
                state = CommandState.SENT;
            }
            sentAt = now;
            return payloadJson;
        }

        synchronized void acknowledge(Instant now) {
            if (state == CommandState.QUEUED || state == CommandState.SENT) {
                state = CommandState.ACKED;
                ackedAt = now;
            }
        }

        /** False for a repeated result: the first one counts. */
        boolean finish(CommandResult agentResult, Instant now) {
            synchronized (this) {
                if (state.isFinal()) {
                    return false;
                }
                result = agentResult;
                state = agentResult.getStatus() == CommandStatus.COMMAND_STATUS_SUCCEEDED
                        ? CommandState.SUCCEEDED : CommandState.FAILED;
                finishedAt = now;
                if (ackedAt == null) {
                    ackedAt = now;
                }
                payloadJson = null;
            }
            done.complete(agentResult);
            return true;
        }

        synchronized CommandRecord snapshot() {
            CommandRecord.Failure failure = null;
            String resultJson = null;
            if (result != null) {
                resultJson = result.getPayloadJson().isEmpty() ? null : result.getPayloadJson();
                if (state == CommandState.FAILED) {
                    failure = result.hasError()
                            ? new CommandRecord.Failure(result.getError().getCode(), result.getError().getMessage(),
                                    result.getError().getHint())
                            : new CommandRecord.Failure("UNSPECIFIED", "the agent reported a failure without details",
                                    "check the agent's log for this command id");
                }
            }
            return new CommandRecord(id, gatewayId, type, state, submittedAt, sentAt, ackedAt, finishedAt,
                    failure, resultJson);
        }
    }
}
