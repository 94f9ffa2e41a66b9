package io.pcg.agent.kube;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating queue of object keys with the usual controller guarantees: a key is never worked on by two
 * threads at once, and a key added while it is being worked on is worked on again afterwards. A key that keeps
 * failing is retried with exponential back-off ({@link #retry}) until it succeeds ({@link #forget}), as client-go's
 * rate-limited queue does.
 */
public final class WorkQueue implements AutoCloseable {

    /** Failures retried at once, before back-off starts: most conflicts clear on the next read. */
    private static final int IMMEDIATE_RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final LinkedHashSet<String> queued = new LinkedHashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService delays;
    private boolean closed;

    public WorkQueue(String name) {
        delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name + "-delays");
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized void add(String key) {
        if (closed) {
            return;
        }
        if (processing.contains(key)) {
            dirty.add(key);
            return;
        }
        if (queued.add(key)) {
            notifyAll();
        }
    }

    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        delays.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Adds the key again after a failure: at once for the first few, then after a doubling delay. */
    public void retry(String key) {
        int attempt = failures.merge(key, 1, Integer::sum);
        addAfter(key, backoff(attempt));
    }

    /** Forgets the key's failures: it succeeded, was deleted, or now waits for something else. */
    public void forget(String key) {
        failures.remove(key);
    }

    static Duration backoff(int attempt) {
        if (attempt <= IMMEDIATE_RETRIES) {
            return Duration.ZERO;
        }
        long millis = FIRST_BACKOFF.toMillis() << Math.min(attempt - IMMEDIATE_RETRIES - 1, 20);
        return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), millis));
    }

    /** The next key to work on, or null once closed. */
    public synchronized String take() throws InterruptedException {
        while (queued.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        String key = queued.iterator().next();
        queued.remove(key);
        processing.add(key);
        return key;
    }

    public synchronized void done(String key) {
        processing.remove(key);
        if (dirty.remove(key) && !closed) {
            queued.add(key);
            notifyAll();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        delays.shutdownNow();
        notifyAll();
    }
}
