package io.pcg.agent.cluster;

/**
 * How far provisioning got, persisted after each step so that a restarted agent resumes where it stopped. Every
 * step is idempotent, so resuming repeats at most the step that was under way.
 */
enum Phase {
    /** The admin's request is stored; nothing exists yet. */
    CONFIGURED,
    /** The local management cluster runs with Cluster API; IPAM serves it. */
    BOOTSTRAPPED,
    /** The gateway cluster's objects are applied to the management cluster. */
    APPLIED,
    /** The first control-plane node is ready and no machine is provisioning: the pivot may start. */
    READY_TO_MOVE,
    /** Cluster API is installed in the gateway cluster, the move may run (again). */
    TARGET_PREPARED,
    /** The objects live in the gateway cluster, the agent is deployed there and the agent manages from there. */
    MOVED,
    /** Every node is ready. */
    RUNNING;

    boolean reached(Phase other) {
        return compareTo(other) >= 0;
    }
}
