package io.pcg.agent.tenant;

/** A tenant cluster's state as the console shows it. */
public enum TenantState {
    /** Being built: addresses, the first control-plane node, the agent inside it, the pivot. */
    PROVISIONING,
    /** Pivoted and manages itself; every node asked for is ready. */
    RUNNING,
    /** Pivoted and manages itself, but not every node asked for is ready (growing, or a node is being replaced). */
    SCALING,
    /** Being deleted: pivoted back first, then its machines, objects and addresses go. */
    DELETING
}
