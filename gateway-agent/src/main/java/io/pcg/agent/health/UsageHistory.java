package io.pcg.agent.health;

import io.pcg.proto.v1.UsageSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's latest usage samples, oldest first, in a ring of fixed size: charts need a short history, and the
 * threshold periods are judged on it. Thread-safe.
 */
public final class UsageHistory {

    private final UsageSample[] ring;
    private int next;
    private int size;

    public UsageHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a usage history holds at least one sample, got " + capacity);
        }
        this.ring = new UsageSample[capacity];
    }

    /** Adds the newest sample; when full, the oldest goes. */
    public synchronized void add(UsageSample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples kept, oldest first. */
    public synchronized List<UsageSample> samples() {
        List<UsageSample> samples = new ArrayList<>(size);
        int first = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            samples.add(ring[(first + i) % ring.length]);
        }
        return samples;
    }
}
