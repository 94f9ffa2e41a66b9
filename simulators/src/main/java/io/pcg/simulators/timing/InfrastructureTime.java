package io.pcg.simulators.timing;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Simulator, for benchmarks: the time during which at least one stand-in for infrastructure was busy, counted once
 * however many overlap. The stand-ins are a tool run ({@code kind}, {@code clusterctl}), a workload cluster's API server
 * booting (a machine booting) and a call to vCenter (govc against vcsim). The wall clock less this is the time the
 * code under test and the simulated controllers spent on their own work.
 */
public final class InfrastructureTime {

    /** Work that may fail as the stand-in would. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private final LongSupplier nanoTime;
    private int busy;
    private long since;
    private long total;

    public InfrastructureTime() {
        this(System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds (tests step it by hand) */
    public InfrastructureTime(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Runs {@code work}, counting its duration unless another stand-in was busy meanwhile (then once). */
    public <T, E extends Exception> T measure(Work<T, E> work) throws E {
        begin();
        try {
            return work.run();
        } finally {
            end();
        }
    }

    /** The time so far, a stand-in still busy included. */
    public synchronized Duration total() {
        return Duration.ofNanos(busy > 0 ? total + (nanoTime.getAsLong() - since) : total);
    }

    private synchronized void begin() {
        if (busy++ == 0) {
            since = nanoTime.getAsLong();
        }
    }

    private synchronized void end() {
        if (--busy == 0) {
            total += nanoTime.getAsLong() - since;
        }
    }
}
