package io.pcg.agent.ipam;

import java.util.List;

/**
 * An IP pool as the operator types it in the console (the seed's "IP Pools" table), before validation.
 * Everything is text so that {@link PoolValidator} can report every mistake at once.
 *
 * @param name                    pool name, a DNS label (it becomes the InClusterIPPool name)
 * @param networkType             {@code range} or {@code subnet}; inferred from the fields given when absent
 * @param start                   first address of a range pool
 * @param end                     last address of a range pool
 * @param subnet                  CIDR of a subnet pool, e.g. 10.10.183.64/26
 * @param prefix                  network prefix length of the node network (defaults to the subnet's for subnet pools)
 * @param gateway                 default gateway of the node network
 * @param nameServers             DNS servers handed to nodes
 * @param restrictToSingleCluster reserve the pool for the first cluster that takes an address from it
 * @param excludedAddresses       addresses inside the pool that must never be handed out
 */
public record PoolSpec(
        String name,
        String networkType,
        String start,
        String end,
        String subnet,
        Integer prefix,
        String gateway,
        List<String> nameServers,
        Boolean restrictToSingleCluster,
        List<String> excludedAddresses) {

    public PoolSpec {
        nameServers = nameServers == null ? List.of() : List.copyOf(nameServers);
        excludedAddresses = excludedAddresses == null ? List.of() : List.copyOf(excludedAddresses);
    }

    public boolean restricted() {
        return Boolean.TRUE.equals(restrictToSingleCluster);
    }
}
