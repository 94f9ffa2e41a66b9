package io.pcg.common.work;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating queue of object keys with controller-runtime's guarantees, for the agent's controllers and the
 * simulated providers alike: a key is never worked on by two threads at once, a key added while it is being worked
 * on is worked on again afterwards, a key that keeps failing is retried with exponential back-off
 * ({@link #retry}) until it succeeds ({@link #forget}), as client-go's rate-limited queue does, and a key waits for
 * at most one delayed add, the earliest asked for, as in client-go's delaying queue.
 */
public final class WorkQueue<K> implements AutoCloseable {

    /** Failures retried at once, before back-off starts: most conflicts clear on the next read. */
    private static final int IMMEDIATE_RETRIES = 3;

    private final LinkedHashSet<K> queued = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new ConcurrentHashMap<>();
    /**
     * When each key's delayed add is due ({@link System#nanoTime}). Without it, a controller that asks to look again
     * in 5 s after every pass (the simulated CAPI's remote connection probe) started one more endless chain of
     * timers with every event, and its passes multiplied.
     */
    private final Map<K, Long> waiting = new HashMap<>();

    private final ScheduledExecutorService delays;
    private boolean closed;

    private final Duration firstBackoff;
    private final Duration maxBackoff;

    /**
     * @param name         names the queue's timer thread
     * @param firstBackoff the delay after the first failures that are not retried at once; it doubles from there
     * @param maxBackoff   the longest delay between two attempts
     */
    public WorkQueue(String name, Duration firstBackoff, Duration maxBackoff) {
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name + "-delays");
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized void add(K key) {
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

    /** Adds {@code key} after {@code delay}, unless it is due sooner already (then the sooner add stands). */
    public void addAfter(K key, Duration delay) {
        if (delay == null || delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        long due = System.nanoTime() + delay.toNanos();
        synchronized (this) {
            if (closed) {
                return;
            }
            Long pending = waiting.get(key);
            if (pending != null && pending - due <= 0) {
                return;
            }
            waiting.put(key, due);
        }
        delays.schedule(
                () -> {
                    synchronized (this) {
                        // A sooner add for the key replaced this one and has run (or will): nothing left to do.
                        if (!Long.valueOf(due).equals(waiting.get(key))) {
                            return;
                        }
                        waiting.remove(key);
                    }
                    add(key);
                },
                Math.max(1, delay.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /** How many keys wait for a delayed add. */
    synchronized int delayed() {
        return waiting.size();
    }

    public void retry(K key) {
        int attempt = failures.merge(key, 1, Integer::sum);
        addAfter(key, backoff(attempt));
    }

    public void forget(K key) {
        failures.remove(key);
    }

    Duration backoff(int attempt) {
        if (attempt <= IMMEDIATE_RETRIES) {
            return Duration.ZERO;
        }
        long millis = firstBackoff.toMillis() << Math.min(20, attempt - IMMEDIATE_RETRIES - 1);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    /** The next key to work on, waiting for one; null once closed. */
    public synchronized K take() throws InterruptedException {
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

    public synchronized void done(K key) {
        processing.remove(key);
        if (dirty.remove(key) && !closed) {
            queued.add(key);
            notifyAll();
        }
    }

    /** True when nothing is queued or in work (delayed keys not counted). */
    public synchronized boolean idle() {
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
