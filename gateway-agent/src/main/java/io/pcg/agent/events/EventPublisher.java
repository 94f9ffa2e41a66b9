package io.pcg.agent.events;

import com.google.protobuf.Timestamp;
import io.pcg.agent.link.Upstream;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link Event}s (the console's events tab) up the control stream, from any thread. While the console cannot
 * be reached, events wait in a bounded buffer ({@link EventsConfig#bufferSize()}) and go out in order, before any
 * newer one, once a stream is registered again. A full buffer drops its oldest event; the next stream then first
 * gets one {@value #EVENTS_DROPPED} warning saying how many were lost.
 *
 * <p>Texts pass {@link SafeText}: a message can never carry a secret, even one quoted by an exception or a server.
 * The protocol has no receipts for events, so what a stream still held when the connection broke is lost (see
 * {@link Upstream#send}).
 *
 * <p>Every event gets a {@link Event#getSequence() sequence} number, 1, 2, ... in publishing order. The latest
 * {@value #HISTORY} events (the history the console shows for a cluster), sent or not, are kept for the management
 * port's {@code GET /events} ({@code pcg events} on the appliance), and written with the waiting ones to the
 * {@link EventLog} in the state directory: a restarted agent has its history and numbering back and still sends
 * what was waiting, in order. An event whose sending was not yet written down when the agent stopped is sent again
 * after the restart; the console drops it by its sequence and time.
 */
public final class EventPublisher implements Upstream.Subscriber, AutoCloseable {

    /** Reason of the warning that reports events dropped from a full buffer. */
    public static final String EVENTS_DROPPED = "EventsDropped";

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    /** Short CamelCase, as the proto asks: reasons are what people filter by, not sentences. */
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
    /** Events kept per cluster, as the console keeps them; the agent has one cluster, the gateway cluster. */
    static final int HISTORY = 1000;

    private final int capacity;
    private final Clock clock;
    private final Deque<Event> waiting = new ArrayDeque<>();
    /** Guarded by this; null while no stream is registered, and then {@link #waiting} holds what comes. */
    private Upstream upstream;

    private int dropped;
    private Timestamp lastDroppedTime;
    /** Guarded by this. */
    private final Deque<Event> history = new ArrayDeque<>();

    private long sequence;
    private final EventLog log;

    /** @param logFile where the history and the waiting events are kept across restarts ({@link EventLog#FILE}) */
    public EventPublisher(EventsConfig config, Clock clock, Path logFile) {
        this.capacity = config.bufferSize();
        this.clock = clock;
        List<Event> restoredHistory = new ArrayList<>();
        List<Event> restoredWaiting = new ArrayList<>();
        this.log = EventLog.open(logFile, HISTORY + capacity, restoredHistory, restoredWaiting);
        restoredHistory.forEach(this::remember);
        restoredWaiting.forEach(this::keep);
        sequence = restoredHistory.isEmpty()
                ? 0
                : restoredHistory.get(restoredHistory.size() - 1).getSequence();
        if (!restoredWaiting.isEmpty()) {
            LOG.info("{} event(s) from before the restart wait for the console", waiting.size());
        }
    }

    /** Normal progress, e.g. {@code info("NodeReady", "node/pcg-gw-abcde", "Node pcg-gw-abcde is ready")}. */
    public void info(String reason, String object, String message) {
        publish(EventSeverity.EVENT_SEVERITY_INFO, reason, object, message, "");
    }

    /** Something an operator may need to look at. */
    public void warning(String reason, String object, String message) {
        publish(EventSeverity.EVENT_SEVERITY_WARNING, reason, object, message, "");
    }

    /** Something failed. */
    public void error(String reason, String object, String message) {
        publish(EventSeverity.EVENT_SEVERITY_ERROR, reason, object, message, "");
    }

    /**
     * Publishes one event; never blocks on the network.
     *
     * @param severity  INFO, WARNING or ERROR
     * @param reason    short CamelCase reason, e.g. {@code VCenterValidationFailed}
     * @param object    what it concerns, e.g. {@code gateway/pcg-1}, {@code ippool/pool-a}; null or empty for the appliance
     * @param message   a sentence for people; anything that looks like a secret is redacted
     * @param commandId the command that caused it; null or empty when none did
     * @throws IllegalArgumentException for an unspecified severity or a reason that is not short CamelCase
     */
    public void publish(EventSeverity severity, String reason, String object, String message, String commandId) {
        if (severity == null
                || severity == EventSeverity.EVENT_SEVERITY_UNSPECIFIED
                || severity == EventSeverity.UNRECOGNIZED) {
            throw new IllegalArgumentException("an event needs a severity: INFO, WARNING or ERROR");
        }
        if (reason == null || !REASON.matcher(reason).matches()) {
            throw new IllegalArgumentException("event reason '" + reason + "' is not short CamelCase, e.g. NodeReady");
        }
        Event.Builder unnumbered = Event.newBuilder()
                .setTime(timestamp(clock.instant()))
                .setSeverity(severity)
                .setReason(reason)
                .setObject(SafeText.of(object))
                .setMessage(SafeText.of(message))
                .setCommandId(commandId == null ? "" : commandId);
        LOG.debug(
                "event {} {} {}: {}",
                severity,
                unnumbered.getReason(),
                unnumbered.getObject(),
                unnumbered.getMessage());
        synchronized (this) {
            Event event = unnumbered.setSequence(++sequence).build();
            remember(event);
            if (upstream != null && upstream.send(wrap(event))) {
                log.sent(event);
            } else {
                // The stream ended before the link told us: from now on, keep events for the next one.
                upstream = null;
                keep(event);
                log.waiting(event);
            }
            log.compactIfLong(history, waiting);
        }
    }

    /** The latest {@value #HISTORY} events with a sequence number above {@code after}, oldest first. */
    public synchronized List<Event> recentAfter(long after) {
        return history.stream().filter(event -> event.getSequence() > after).toList();
    }

    /** The sequence number of the newest event; 0 before the first. */
    public synchronized long latestSequence() {
        return sequence;
    }

    private void remember(Event event) {
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(event);
    }

    /** Sends what waited, in order, then everything new goes straight to this stream. */
    @Override
    public synchronized void connected(Upstream stream) {
        if (dropped > 0) {
            if (!stream.send(wrap(droppedWarning()))) {
                return;
            }
            dropped = 0;
        }
        long sentThrough = 0;
        try {
            while (!waiting.isEmpty()) {
                if (!stream.send(wrap(waiting.peekFirst()))) {
                    return;
                }
                sentThrough = waiting.removeFirst().getSequence();
            }
            upstream = stream;
        } finally {
            if (sentThrough > 0) {
                log.sentThrough(sentThrough);
            }
        }
    }

    @Override
    public synchronized void disconnected() {
        upstream = null;
    }

    @Override
    public synchronized void close() {
        log.close();
    }

    private void keep(Event event) {
        if (waiting.size() == capacity) {
            Event oldest = waiting.removeFirst();
            if (dropped == 0) {
                LOG.warn(
                        "{} events are waiting for the console, the most this agent keeps (pcg.agent.events.buffer-size);"
                                + " dropping the oldest until the console is reachable again",
                        capacity);
            }
            dropped++;
            lastDroppedTime = oldest.getTime();
        }
        waiting.addLast(event);
    }

    /** Dated like the last event it stands for, so the console's events stay in time order. */
    private Event droppedWarning() {
        return Event.newBuilder()
                .setTime(lastDroppedTime)
                .setSeverity(EventSeverity.EVENT_SEVERITY_WARNING)
                .setReason(EVENTS_DROPPED)
                .setMessage(dropped + " older event(s) were dropped while the console could not be reached: the agent"
                        + " keeps the latest " + capacity + " (pcg.agent.events.buffer-size)")
                .build();
    }

    private static AgentMessage wrap(Event event) {
        return AgentMessage.newBuilder().setEvent(event).build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
