package io.pcg.agent.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.files.LineLog;
import io.pcg.proto.v1.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's events on disk ({@code <state-dir>/events.log}, 0600), so that a restart keeps both the history and
 * the events still waiting for the console. One line per event, {@code S <event>} once it was handed to a stream or
 * {@code W <event>} while it waits, and {@code D <sequence>} once every waiting event up to that sequence was sent
 * ({@code <event>} is the {@link Event} protobuf in Base64). A line that cannot be read (torn by a crash) is skipped.
 *
 * <p>Persistence is best effort: a failed write is logged once and the agent goes on with what it holds in memory,
 * because an event is never worth stopping the agent for.
 */
final class EventLog implements AutoCloseable {

    /** What a restart finds: the history and, of it, what still waits for the console; both oldest first. */
    record Contents(List<Event> history, List<Event> waiting) {}

    static final String FILE = "events.log";
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final String SENT = "S ";
    private static final String WAITING = "W ";
    private static final String SENT_THROUGH = "D ";

    private final Path file;
    private final int rewriteAfterLines;
    private final LineLog log;
    private boolean failing;

    private EventLog(Path file, int kept, LineLog log) {
        this.file = file;
        this.rewriteAfterLines = 2 * kept;
        this.log = log;
    }

    /**
     * Opens the log and reads what it holds into {@code history} and {@code waiting}. A log that cannot be opened
     * leaves both empty, and the agent keeps its events in memory only.
     *
     * @param kept the most events a rewrite keeps; the file is rewritten when it holds twice that many lines
     */
    static EventLog open(Path file, int kept, List<Event> history, List<Event> waiting) {
        List<String> lines = new ArrayList<>();
        LineLog log = null;
        try {
            log = LineLog.open(file, AtomicFiles.OWNER_ONLY, lines);
        } catch (IOException e) {
            LOG.warn(
                    "cannot open the event log {}: {}; events are kept in memory only until the agent restarts"
                            + " (check that the state directory is writable and has space)",
                    file,
                    e.getMessage());
        }
        TreeMap<Long, Event> events = new TreeMap<>();
        TreeMap<Long, Event> unsent = new TreeMap<>();
        long sentThrough = 0;
        for (String line : lines) {
            try {
                if (line.startsWith(SENT_THROUGH)) {
                    sentThrough = Math.max(sentThrough, Long.parseLong(line.substring(2)));
                    continue;
                }
                Event event = Event.parseFrom(Base64.getDecoder().decode(line.substring(2)));
                events.put(event.getSequence(), event);
                if (line.startsWith(WAITING)) {
                    unsent.put(event.getSequence(), event);
                } else {
                    unsent.remove(event.getSequence());
                }
            } catch (InvalidProtocolBufferException | IllegalArgumentException | IndexOutOfBoundsException e) {
                LOG.debug("skipping an unreadable line of {}", file);
            }
        }
        history.addAll(events.values());
        long sent = sentThrough;
        unsent.values().stream().filter(event -> event.getSequence() > sent).forEach(waiting::add);
        return new EventLog(file, kept, log);
    }

    void sent(Event event) {
        append(SENT + encode(event));
    }

    void waiting(Event event) {
        append(WAITING + encode(event));
    }

    void sentThrough(long sequence) {
        append(SENT_THROUGH + sequence);
    }

    /** Rewrites the file with just these events once it has grown to twice what it keeps. */
    void compactIfLong(Collection<Event> history, Collection<Event> waiting) {
        if (log == null || log.lineCount() <= rewriteAfterLines) {
            return;
        }
        TreeMap<Long, String> lines = new TreeMap<>();
        history.forEach(event -> lines.put(event.getSequence(), SENT + encode(event)));
        waiting.forEach(event -> lines.put(event.getSequence(), WAITING + encode(event)));
        try {
            log.rewrite(new ArrayList<>(lines.values()));
            failing = false;
        } catch (IOException e) {
            failed("rewrite", e);
        }
    }

    @Override
    public void close() {
        try {
            if (log != null) {
                log.close();
            }
        } catch (IOException e) {
            failed("close", e);
        }
    }

    private void append(String line) {
        if (log == null) {
            return;
        }
        try {
            log.append(line);
            failing = false;
        } catch (IOException e) {
            failed("append to", e);
        }
    }

    private void failed(String action, IOException e) {
        if (!failing) {
            LOG.warn(
                    "cannot {} the event log {}: {}; events are kept in memory only until it works again"
                            + " (check that the state directory is writable and has space)",
                    action,
                    file,
                    e.getMessage());
        }
        failing = true;
    }

    private static String encode(Event event) {
        return Base64.getEncoder().encodeToString(event.toByteArray());
    }
}
