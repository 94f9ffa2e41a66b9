package io.pcg.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * What the agent's loops count and time, for Prometheus ({@code GET /metrics} on the management port). Labels hold
 * command types, outcomes, loop and pool names only: never a payload, a user name or a secret.
 */
@Singleton
public final class AgentMeters {

    /** Command outcomes: the handler's answer, or why no handler ran. */
    public static final String SUCCEEDED = "succeeded";

    public static final String FAILED = "failed";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String BUSY = "busy";
    /** The type label of commands no handler knows: the console's text would make labels without bound. */
    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;

    public AgentMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters that go nowhere, for code run outside the agent (benchmarks, tests of other things). */
    public static AgentMeters unregistered() {
        return new AgentMeters(new SimpleMeterRegistry());
    }

    /** One command ran (or was refused) in {@code nanos}. */
    public void command(String type, String outcome, long nanos) {
        Timer.builder("pcg.commands")
                .description("Console commands by type and outcome")
                .tag("type", type)
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One pass of a reconcile loop, started at {@code startNanos} ({@link System#nanoTime()}).
     *
     * @param loop "gateway_cluster" or "ipam"
     * @param ok   false when the pass failed and will be retried
     */
    public void reconciled(String loop, long startNanos, boolean ok) {
        Timer.builder("pcg.reconcile")
                .description("Reconcile passes by loop and outcome")
                .tag("loop", loop)
                .tag("outcome", ok ? "ok" : "error")
                .register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** The IPAM provider gave a claim a new address from {@code pool}. */
    public void allocated(String pool) {
        Counter.builder("pcg.ipam.allocations")
                .description("Addresses allocated to claims, by pool")
                .tag("pool", pool)
                .register(registry)
                .increment();
    }
}
