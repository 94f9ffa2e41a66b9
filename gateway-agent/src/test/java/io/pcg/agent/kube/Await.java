package io.pcg.agent.kube;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded polling for a condition: waits as long as needed up to a generous limit, never asserts on duration. */
public final class Await {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private Await() {
    }

    public static void until(String what, Supplier<Boolean> condition) {
        until(what, condition, () -> "");
    }

    /** As {@link #until(String, Supplier)}; {@code diagnostics} is added to the failure to show the last state. */
    public static void until(String what, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            Boolean met;
            try {
                met = condition.get();
            } catch (RuntimeException e) {
                met = false;
            }
            if (Boolean.TRUE.equals(met)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String state;
                try {
                    state = diagnostics.get();
                } catch (RuntimeException e) {
                    state = e.toString();
                }
                throw new AssertionError("gave up waiting until " + what + (state.isEmpty() ? "" : "; last state: " + state));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
