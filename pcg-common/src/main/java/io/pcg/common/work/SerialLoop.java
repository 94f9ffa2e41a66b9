package io.pcg.common.work;

import io.pcg.common.errors.OperatorException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread that runs a controller's pass, one at a time: {@link #trigger} asks for a pass soon (calls while one is
 * queued are folded into it), {@link #start} adds a pass every resync, and {@link #change} runs a command's change
 * between two passes and waits for it, so the pass's thread is the only writer of what it stores.
 */
public final class SerialLoop implements AutoCloseable {

    /** A change made on the loop's thread. */
    @FunctionalInterface
    public interface Change {
        void apply() throws OperatorException;
    }

    private final Runnable pass;
    private final String busyCode;
    private final String subject;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService executor;

    /**
     * @param thread   the thread's name
     * @param pass     what a pass does; it catches its own failures
     * @param busyCode the code of the refusal when a change waits too long, e.g. {@code GATEWAY_BUSY}
     * @param subject  what is busy, as the refusal names it, e.g. "the gateway"
     */
    public SerialLoop(String thread, Runnable pass, String busyCode, String subject) {
        this.pass = pass;
        this.busyCode = busyCode;
        this.subject = subject;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, thread);
            daemon.setDaemon(true);
            return daemon;
        });
    }

    /** A pass now and every {@code resync}. */
    public void start(Duration resync) {
        executor.scheduleWithFixedDelay(this::trigger, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
        trigger();
    }

    /** A pass soon; folded into one already queued. */
    public void trigger() {
        if (queued.compareAndSet(false, true)) {
            executor.execute(() -> {
                queued.set(false);
                pass.run();
            });
        }
    }

    /** A pass after {@code delay} (a failed step's retry). */
    public void triggerAfter(Duration delay) {
        executor.schedule(this::trigger, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code change} on the loop's thread once the pass under way is done, and waits up to {@code wait}.
     *
     * @throws OperatorException what the change threw, or {@code busyCode} when the pass under way takes too long
     */
    public void change(Change change, Duration wait) throws OperatorException {
        Future<?> done = executor.submit(() -> {
            change.apply();
            return null;
        });
        try {
            done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OperatorException operator) {
                throw operator;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            done.cancel(false);
            throw new OperatorException(
                    busyCode,
                    subject + " is in the middle of a step that has not finished within " + wait.toSeconds() + " s",
                    "Send the command again in a minute.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException(
                    busyCode, "interrupted while waiting for " + subject, "Send the command again.");
        }
    }

    /** True once closed: a pass that fails then is the agent stopping, not a problem. */
    public boolean isClosed() {
        return executor.isShutdown();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
