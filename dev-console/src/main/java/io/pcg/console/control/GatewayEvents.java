package io.pcg.console.control;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last {@value #KEPT_PER_GATEWAY} events of each gateway, in memory (a restart starts a fresh history). */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayEvents {

    static final int KEPT_PER_GATEWAY = 1000;

    private final Clock clock;
    private final Map<String, Deque<GatewayEvent>> byGateway = new ConcurrentHashMap<>();

    public GatewayEvents(Clock clock) {
        this.clock = clock;
    }

    /** Records an event the agent sent. */
    public void recordFromAgent(String gatewayId, Event event) {
        Instant now = clock.instant();
        Instant time = event.hasTime()
                ? Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos()) : now;
        add(gatewayId, new GatewayEvent(time, now, GatewayEvent.FROM_AGENT, severity(event.getSeverity()),
                event.getReason(), event.getMessage(), event.getObject(),
                event.getCommandId().isEmpty() ? null : event.getCommandId()));
    }

    /** Records something the console itself observed about a gateway. */
    public void recordFromConsole(String gatewayId, String severity, String reason, String message) {
        Instant now = clock.instant();
        add(gatewayId, new GatewayEvent(now, now, GatewayEvent.FROM_CONSOLE, severity, reason, message, "", null));
    }

    /** Oldest first. */
    public List<GatewayEvent> list(String gatewayId) {
        Deque<GatewayEvent> events = byGateway.get(gatewayId);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private void add(String gatewayId, GatewayEvent event) {
        Deque<GatewayEvent> events = byGateway.computeIfAbsent(gatewayId, id -> new ArrayDeque<>());
        synchronized (events) {
            if (events.size() == KEPT_PER_GATEWAY) {
                events.removeFirst();
            }
            events.addLast(event);
        }
    }

    private static String severity(EventSeverity severity) {
        return switch (severity) {
            case EVENT_SEVERITY_WARNING -> "Warning";
            case EVENT_SEVERITY_ERROR -> "Error";
            default -> "Info";
        };
    }
}
