package io.pcg.agent.events;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.pcg.agent.GatewayAgentApplication;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /events?after=N} on the 127.0.0.1 management port: the agent's latest events ({@code pcg events}),
 * read-only. {@code after} is the last sequence number the caller has seen, so {@code pcg events --follow} polls
 * for what is new; texts are the ones the console gets, already passed through {@link SafeText}.
 */
@Controller("/events")
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class RecentEventsController {

    private static final String SEVERITY_PREFIX = "EVENT_SEVERITY_";

    /** @param severity INFO, WARNING or ERROR */
    @Serdeable
    public record RecentEvent(
            long sequence,
            Instant time,
            String severity,
            String reason,
            String object,
            String message,
            String commandId) {}

    /**
     * @param latest the newest sequence number handed out; numbering goes on across agent restarts (the state
     *               directory keeps it), so a lower one than a poller saw means the agent's event log was lost
     */
    @Serdeable
    public record RecentEvents(long latest, List<RecentEvent> events) {}

    private final EventPublisher publisher;

    public RecentEventsController(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Get
    public RecentEvents events(@QueryValue(defaultValue = "0") long after) {
        return new RecentEvents(
                publisher.latestSequence(),
                publisher.recentAfter(after).stream()
                        .map(event -> new RecentEvent(
                                event.getSequence(),
                                Instant.ofEpochSecond(
                                        event.getTime().getSeconds(),
                                        event.getTime().getNanos()),
                                event.getSeverity().name().substring(SEVERITY_PREFIX.length()),
                                event.getReason(),
                                event.getObject(),
                                event.getMessage(),
                                event.getCommandId()))
                        .toList());
    }
}
