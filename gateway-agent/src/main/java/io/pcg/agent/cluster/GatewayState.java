package io.pcg.agent.cluster;

/** Where the gateway is in its life, as the console shows it. */
public enum GatewayState {
    /** Paired, waiting for "Configure". */
    PENDING,
    /** Configured; the gateway cluster is being built. */
    PROVISIONING,
    /** The gateway cluster runs and manages itself. */
    RUNNING,
    /**
     * A rolling upgrade (Kubernetes version, node image, agent version) runs, one node at a time; tenant-cluster
     * requests wait for it. Ends in {@link #RUNNING}.
     */
    UPGRADING,
    /** A step fails; the agent keeps retrying it, and the console shows why. */
    FAILED,
    /** Everything provisioned is being deleted; then back to {@link #PENDING}. */
    RESETTING
}
