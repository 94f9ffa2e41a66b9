package io.pcg.agent.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.files.LineLog;
import io.pcg.proto.v1.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands that wait for the gateway to leave a phase ({@link QueuePolicy}), e.g. tenant-cluster requests during a
 * gateway upgrade, kept in arrival order in a {@link LineLog} so that they survive an agent restart: one line when a
 * command is queued, one when it has run; the file is rewritten whenever the queue empties.
 *
 * <p>A command of a queueable type also waits, whatever the phase, while another queueable command waits: arrival
 * order holds across the moment the phase changes. Until the gateway's owner reports the first phase
 * ({@link #phase}), queueable commands wait too: a restarted agent does not know yet whether an upgrade is under way.
 *
 * <p>The file is 0600 in the agent's state folder. Payloads are kept as JSON objects, not as escaped text, so the
 * support bundle's redaction masks their secrets as it does in every other JSON file.
 */
public final class CommandQueue implements AutoCloseable {

    public static final String FILE = "queued-commands.log";

    private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A command waiting its turn. */
    public record Queued(String id, String type, String payloadJson, Instant queuedAt, String reason) {

        Command command() {
            return Command.newBuilder()
                    .setId(id)
                    .setType(type)
                    .setPayloadJson(payloadJson)
                    .build();
        }

        @Override
        public String toString() {
            return "Queued[id=" + id + ", type=" + type + ", queuedAt=" + queuedAt + "]";
        }
    }

    private final QueuePolicy policy;
    private final Clock clock;
    private final LineLog log;
    private final Map<String, Queued> waiting = new LinkedHashMap<>();
    private final List<Runnable> listeners = new ArrayList<>();
    private String phase;

    private CommandQueue(QueuePolicy policy, Clock clock, LineLog log, List<Queued> restored) {
        this.policy = policy;
        this.clock = clock;
        this.log = log;
        restored.forEach(queued -> waiting.put(queued.id(), queued));
    }

    /** Opens the queue kept in {@code file}, with the commands that were waiting when the agent stopped. */
    public static CommandQueue open(Path file, QueuePolicy policy, Clock clock) throws IOException {
        List<String> lines = new ArrayList<>();
        LineLog log = LineLog.open(file, AtomicFiles.OWNER_ONLY, lines);
        Map<String, Queued> restored = new LinkedHashMap<>();
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                // Only the last line can be torn, and LineLog drops that one; anything else is not ours.
                LOG.warn("skipping an unreadable line of {}", file);
                continue;
            }
            String id = entry.path("id").asText();
            if (entry.path("done").asBoolean()) {
                restored.remove(id);
            } else {
                restored.put(
                        id,
                        new Queued(
                                id,
                                entry.path("type").asText(),
                                JSON.writeValueAsString(entry.path("payload")),
                                Instant.parse(entry.path("queuedAt").asText()),
                                entry.path("reason").asText()));
            }
        }
        CommandQueue queue = new CommandQueue(policy, clock, log, List.copyOf(restored.values()));
        queue.compact();
        if (!restored.isEmpty()) {
            LOG.info("{} queued command(s) restored: {}", restored.size(), restored.values());
        }
        return queue;
    }

    /** A queue for agents and tests without a gateway: nothing is ever held. */
    public static CommandQueue none() {
        return new CommandQueue(new QueuePolicy(Map.of()), Clock.systemUTC(), null, List.of());
    }

    /** Called after every change that may let a command run: a new phase, a command added. */
    public synchronized void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * The gateway's phase now (the gateway state's name); the owner of the gateway reports it whenever it looks.
     * Commands the new phase releases become available through {@link #next}.
     */
    public void phase(String newPhase) {
        synchronized (this) {
            if (newPhase.equals(phase)) {
                return;
            }
            phase = newPhase;
        }
        notifyListeners();
    }

    /**
     * Queues the command if it must wait, answering why; empty when it may run now. A command already waiting is not
     * queued twice (the console resends unfinished commands after a reconnect).
     */
    public Optional<String> holdIfNeeded(Command command) throws IOException {
        Optional<String> reason;
        synchronized (this) {
            Queued known = waiting.get(command.getId());
            if (known != null) {
                return Optional.of(known.reason());
            }
            reason = policy.reason(phase, command.getType());
            if (reason.isEmpty() && policy.queueable(command.getType()) && !waiting.isEmpty()) {
                reason = Optional.of("earlier requests are still queued; " + command.getType() + " runs after them");
            }
            if (reason.isEmpty()) {
                return reason;
            }
            String payload = command.getPayloadJson().isBlank() ? "{}" : command.getPayloadJson();
            Queued queued = new Queued(command.getId(), command.getType(), payload, clock.instant(), reason.get());
            log.append(line(queued));
            waiting.put(queued.id(), queued);
        }
        LOG.info("command {} ({}) queued: {}", command.getId(), command.getType(), reason.get());
        notifyListeners();
        return reason;
    }

    /** Why the command with this id is waiting; empty when it is not (any more). */
    public synchronized Optional<String> waitingReason(String id) {
        return Optional.ofNullable(waiting.get(id)).map(Queued::reason);
    }

    /** The oldest waiting command, if the current phase lets it run. */
    public synchronized Optional<Queued> next() {
        return waiting.values().stream()
                .findFirst()
                .filter(head ->
                        phase != null && policy.reason(phase, head.type()).isEmpty());
    }

    /** Forgets a command that has run; its result is the dispatcher's to keep. */
    public synchronized void done(String id) throws IOException {
        if (waiting.remove(id) == null) {
            return;
        }
        if (waiting.isEmpty()) {
            compact();
        } else {
            ObjectNode done = JSON.createObjectNode().put("id", id).put("done", true);
            log.append(JSON.writeValueAsString(done));
        }
    }

    /** The ids waiting, oldest first. */
    public synchronized List<String> waiting() {
        return List.copyOf(waiting.keySet());
    }

    private void compact() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Queued queued : waiting.values()) {
            lines.add(line(queued));
        }
        log.rewrite(lines);
    }

    private static String line(Queued queued) throws IOException {
        ObjectNode entry = JSON.createObjectNode()
                .put("id", queued.id())
                .put("type", queued.type())
                .put("queuedAt", queued.queuedAt().toString())
                .put("reason", queued.reason());
        entry.set("payload", JSON.readTree(queued.payloadJson()));
        return JSON.writeValueAsString(entry);
    }

    private void notifyListeners() {
        List<Runnable> current;
        synchronized (this) {
            current = List.copyOf(listeners);
        }
        current.forEach(Runnable::run);
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
