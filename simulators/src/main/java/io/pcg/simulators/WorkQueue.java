package io.pcg.simulators;

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
 * Simulator: a de-duplicating work queue with controller-runtime's guarantees: a key is never worked on by two
 * threads at once, a key added while in work is worked on again afterwards, and failures back off exponentially.
 */
final class WorkQueue<K> implements AutoCloseable {

    private static final int IMMEDIATE_RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final LinkedHashSet<K> queued = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService delays;
    private boolean closed;

    WorkQueue(String name) {
        delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name + "-delays");
            thread.setDaemon(true);
            return thread;
        });
    }

    synchronized void add(K key) {
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

    void addAfter(K key, Duration delay) {
        if (delay == null || delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        delays.schedule(() -> add(key), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    void retry(K key) {
        int attempt = failures.merge(key, 1, Integer::sum);
        addAfter(key, backoff(attempt));
    }

    void forget(K key) {
        failures.remove(key);
    }

    static Duration backoff(int attempt) {
        if (attempt <= IMMEDIATE_RETRIES) {
            return Duration.ZERO;
        }
        long millis = FIRST_BACKOFF.toMillis() << Math.min(20, attempt - IMMEDIATE_RETRIES - 1);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    /** The next key to work on, waiting for one; null once closed. */
    synchronized K take() throws InterruptedException {
        while (!closed && queued.isEmpty()) {
            wait();
        }
        if (closed) {
            return null;
        }
        K key = queued.iterator().next();
        queued.remove(key);
        processing.add(key);
        return key;
    }

    synchronized void done(K key) {
        processing.remove(key);
        if (dirty.remove(key) && !closed) {
            queued.add(key);
            notifyAll();
        }
    }

    /** True when nothing is queued or in work (delayed keys not counted). */
    synchronized boolean idle() {
        return queued.isEmpty() && processing.isEmpty();
    }

    @Override
    public synchronized void close() {
        closed = true;
        queued.clear();
        notifyAll();
        delays.shutdownNow();
    }
}
