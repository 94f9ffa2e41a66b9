package io.pcg.console.control;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.pcg.common.files.LineLog;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.store.GatewayLogs;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@value #KEPT_PER_GATEWAY} events of each gateway, numbered per gateway ({@link GatewayEvent#sequence()})
 * and kept in {@code <dataDir>/events/<gatewayId>.log} (one JSON event per line, rewritten to the kept ones when it
 * holds twice as many), so a restarted console still shows them. An agent event whose
 * {@link Event#getSequence() sequence} and time equal those of a kept one is a repeat (agents re-send events they
 * are not sure were delivered) and is dropped.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayEvents {

    public static final int KEPT_PER_GATEWAY = 1000;
    static final String FOLDER = "events";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayEvents.class);

    /** What makes an agent event the same one again. */
    private record AgentKey(long agentSequence, Instant time) {}

    /** One gateway's events; guarded by itself. */
    private static final class History {
        final Deque<GatewayEvent> events = new ArrayDeque<>();
        final Set<AgentKey> fromAgent = new HashSet<>();
        final LineLog log;
        long lastSequence;

        History(LineLog log) {
            this.log = log;
        }

        /** Keeps the event, making room if needed; false for a repeat of a kept agent event. */
        boolean keep(GatewayEvent event) {
            if (event.agentSequence() != null && !fromAgent.add(agentKey(event))) {
                return false;
            }
            if (events.size() == KEPT_PER_GATEWAY) {
                GatewayEvent oldest = events.removeFirst();
                if (oldest.agentSequence() != null) {
                    fromAgent.remove(agentKey(oldest));
                }
            }
            events.addLast(event);
            lastSequence = Math.max(lastSequence, event.sequence());
            return true;
        }
    }

    private final Clock clock;
    private final JsonMapper json;
    private final GatewayLogs logs;
    private final Map<String, History> byGateway = new ConcurrentHashMap<>();

    @Inject
    public GatewayEvents(ConsoleConfig config, GatewayStore store, JsonMapper json, Clock clock) {
        this(config.dataDir(), store, json, clock);
    }

    public GatewayEvents(Path dataDir, GatewayStore store, JsonMapper json, Clock clock) {
        this.clock = clock;
        this.json = json;
        this.logs = new GatewayLogs(dataDir.resolve(FOLDER));
        for (String gatewayId : logs.keepOnly(id -> store.find(id).isPresent())) {
            history(gatewayId);
        }
    }

    /** Records an event the agent sent, unless it is a repeat of one already kept. */
    public void recordFromAgent(String gatewayId, Event event) {
        Instant now = clock.instant();
        Instant time = event.hasTime()
                ? Instant.ofEpochSecond(
                        event.getTime().getSeconds(), event.getTime().getNanos())
                : now;
        add(
                gatewayId,
                sequence -> new GatewayEvent(
                        sequence,
                        time,
                        now,
                        GatewayEvent.FROM_AGENT,
                        severity(event.getSeverity()),
                        event.getReason(),
                        event.getMessage(),
                        event.getObject(),
                        event.getCommandId().isEmpty() ? null : event.getCommandId(),
                        event.getSequence() == 0 ? null : event.getSequence()));
    }

    /** Records something the console itself observed about a gateway. */
    public void recordFromConsole(String gatewayId, String severity, String reason, String message) {
        Instant now = clock.instant();
        add(
                gatewayId,
                sequence -> new GatewayEvent(
                        sequence, now, now, GatewayEvent.FROM_CONSOLE, severity, reason, message, "", null, null));
    }

    /** All kept events, oldest first. */
    public List<GatewayEvent> list(String gatewayId) {
        return page(gatewayId, null, KEPT_PER_GATEWAY);
    }

    /**
     * A page of the kept events, oldest first: the newest {@code limit} events numbered below {@code before} (all
     * of them when null). The next older page is the one before this page's first sequence.
     */
    public List<GatewayEvent> page(String gatewayId, @Nullable Long before, int limit) {
        History history = byGateway.get(gatewayId);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            List<GatewayEvent> older = history.events.stream()
                    .filter(event -> before == null || event.sequence() < before)
                    .toList();
            return List.copyOf(older.subList(Math.max(0, older.size() - limit), older.size()));
        }
    }

    private interface Numbered {
        GatewayEvent as(long sequence);
    }

    private void add(String gatewayId, Numbered unnumbered) {
        History history = history(gatewayId);
        synchronized (history) {
            GatewayEvent event = unnumbered.as(history.lastSequence + 1);
            if (!history.keep(event)) {
                LOG.debug("Gateway {} sent event {} again; it is kept once", gatewayId, event.agentSequence());
                return;
            }
            logs.append(history.log, gatewayId, encode(event));
            if (history.log.lineCount() > 2 * KEPT_PER_GATEWAY) {
                logs.rewrite(
                        history.log,
                        gatewayId,
                        history.events.stream().map(this::encode).toList());
            }
        }
    }

    private History history(String gatewayId) {
        return byGateway.computeIfAbsent(gatewayId, this::load);
    }

    private History load(String gatewayId) {
        List<String> lines = new ArrayList<>();
        History history = new History(logs.open(gatewayId, lines));
        for (String line : lines) {
            GatewayEvent event;
            try {
                event = json.readValue(line, GatewayEvent.class);
            } catch (IOException e) {
                LOG.debug("skipping an unreadable event of gateway {}", gatewayId);
                continue;
            }
            history.keep(event);
        }
        return history;
    }

    private String encode(GatewayEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an event", e);
        }
    }

    private static AgentKey agentKey(GatewayEvent event) {
        return new AgentKey(event.agentSequence(), event.time());
    }

    private static String severity(EventSeverity severity) {
        return switch (severity) {
            case EVENT_SEVERITY_WARNING -> "Warning";
            case EVENT_SEVERITY_ERROR -> "Error";
            default -> "Info";
        };
    }
}
