package io.pcg.agent.link;

import java.time.Duration;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in [0, min(cap, initial * 2^n)].
 * Full jitter spreads a fleet of gateways reconnecting after a console restart instead of syncing them up.
 */
public record Backoff(Duration initial, Duration cap) {

    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(250);

    /**
     * @param attempt  0 for the first retry after a failure
     * @param random01 a uniform random number in [0, 1)
     */
    public Duration delay(int attempt, double random01) {
        return Duration.ofMillis((long) (ceiling(attempt).toMillis() * random01));
    }

    /** The upper bound of the wait before retry {@code attempt}. */
    public Duration ceiling(int attempt) {
        long capMillis = cap.toMillis();
        int shift = Math.min(Math.max(attempt, 0), 62);
        long initialMillis = initial.toMillis();
        long exponential = initialMillis > (capMillis >> shift) ? capMillis : initialMillis << shift;
        return Duration.ofMillis(Math.min(capMillis, exponential));
    }
}
