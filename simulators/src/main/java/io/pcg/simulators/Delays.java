package io.pcg.simulators;

import java.time.Duration;
import java.util.Objects;

/**
 * Simulator: how long each simulated step takes before the simulators report it done, like the in-memory provider's
 * {@code startupDuration}s. Defaults are small (200 ms) so a test sees the real order of status changes; benchmarks
 * use {@link #none()}.
 *
 * @param infrastructure vCenter session and cluster infrastructure (VSphereCluster provisioned)
 * @param bootstrap      bootstrap data generation (KubeadmConfig data secret)
 * @param vm             VM clone and power-on after the node's addresses are allocated
 * @param node           guest boot to kubelet registration (Node in the workload cluster) and static pods
 */
public record Delays(Duration infrastructure, Duration bootstrap, Duration vm, Duration node) {

    public static final Duration DEFAULT_STEP = Duration.ofMillis(200);

    public Delays {
        Objects.requireNonNull(infrastructure, "infrastructure");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(node, "node");
        for (Duration delay : new Duration[] {infrastructure, bootstrap, vm, node}) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a delay cannot be negative: " + delay);
            }
        }
    }

    /** 200 ms per step. */
    public static Delays defaults() {
        return uniform(DEFAULT_STEP);
    }

    /** No waiting at all (benchmarks). */
    public static Delays none() {
        return uniform(Duration.ZERO);
    }

    public static Delays uniform(Duration step) {
        return new Delays(step, step, step, step);
    }
}
