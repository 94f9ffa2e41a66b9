package io.pcg.agent.tenant;

/** How far building a tenant cluster got, stored after each step so that a restarted agent resumes there. */
public enum TenantPhase {
    ACCEPTED,
    /** VIP and node addresses are held for it (static IPs), or the DHCP VIP checked. */
    ADDRESSES_RESERVED,
    /** Its objects, with one control-plane node and no worker, are applied to the gateway's management cluster. */
    APPLIED,
    /** Cluster API and the agent run in the tenant cluster, with the spec it scales itself to. */
    AGENT_INSTALLED,
    /** Its objects were moved into it: it manages itself. */
    MOVED;

    boolean reached(TenantPhase other) {
        return compareTo(other) >= 0;
    }
}
