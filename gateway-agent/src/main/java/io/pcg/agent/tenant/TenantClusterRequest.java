package io.pcg.agent.tenant;

import io.pcg.agent.cluster.ConfigureRequest.PlacementRequest;
import java.util.List;

/**
 * The {@code cluster.create} payload: a tenant cluster on this gateway's vSphere, as the console's "Deploy a VMware
 * cluster" wizard describes it. Holds no secret (the vCenter credentials come from the named cloud account), so it
 * is stored as it came.
 *
 * @param name                  the cluster's name; it starts every node's host name
 * @param kubernetesVersion     optional; the version the appliance image pins when absent
 * @param controlPlaneCount     1, 3 or 5
 * @param allowWorkerCapability workloads may run on the control-plane nodes (their NoSchedule taint is left off)
 * @param workerPools           the worker nodes, by pool
 * @param placementDomains      where nodes go: the control plane in the first, workers round-robin over all
 * @param nodeTemplate          the VM template every node is cloned from
 * @param controlPlaneSize      optional; the product minimum when absent
 * @param ipAllocation          static addresses from a pool of this gateway, or DHCP
 * @param sshKeys               public keys for the {@code spectro} user on every node
 * @param ntpServers            optional time servers for every node
 * @param cloudAccount          optional; the gateway's default account when absent
 */
public record TenantClusterRequest(
        String name,
        String kubernetesVersion,
        Integer controlPlaneCount,
        Boolean allowWorkerCapability,
        List<WorkerPool> workerPools,
        List<PlacementRequest> placementDomains,
        String nodeTemplate,
        NodeSize controlPlaneSize,
        IpAllocation ipAllocation,
        List<String> sshKeys,
        List<String> ntpServers,
        String cloudAccount) {

    public TenantClusterRequest {
        workerPools = workerPools == null ? List.of() : List.copyOf(workerPools);
        placementDomains = placementDomains == null ? List.of() : List.copyOf(placementDomains);
        sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
        ntpServers = ntpServers == null ? List.of() : List.copyOf(ntpServers);
    }

    /** The same request with other worker pools (a scale). */
    TenantClusterRequest withWorkerPools(List<WorkerPool> pools) {
        return new TenantClusterRequest(
                name,
                kubernetesVersion,
                controlPlaneCount,
                allowWorkerCapability,
                pools,
                placementDomains,
                nodeTemplate,
                controlPlaneSize,
                ipAllocation,
                sshKeys,
                ntpServers,
                cloudAccount);
    }

    /** Worker nodes of one size. */
    public record WorkerPool(String name, Integer count, Integer cpus, Integer memoryMiB, Integer diskGiB) {

        WorkerPool withCount(int value) {
            return new WorkerPool(name, value, cpus, memoryMiB, diskGiB);
        }
    }

    /** A node's size; absent fields take the product minimum. */
    public record NodeSize(Integer cpus, Integer memoryMiB, Integer diskGiB) {}

    /**
     * @param type            {@code static} or {@code dhcp}
     * @param pool            static: the name of an IP pool of this gateway
     * @param controlPlaneVip static: optional (taken from the pool when absent); DHCP: required, outside the DHCP range
     * @param nodeNetwork     DHCP: the node network as CIDR
     * @param dhcpRange       DHCP: the DHCP server's range, to keep the VIP out of it
     */
    public record IpAllocation(String type, String pool, String controlPlaneVip, String nodeNetwork, String dhcpRange) {

        public static final String STATIC = "static";
        public static final String DHCP = "dhcp";

        boolean isStatic() {
            return STATIC.equals(type);
        }
    }

    int controlPlaneNodes() {
        return controlPlaneCount == null ? 0 : controlPlaneCount;
    }

    int workerNodes() {
        return workerPools.stream()
                .mapToInt(pool -> pool.count() == null ? 0 : pool.count())
                .sum();
    }

    boolean workloadsOnControlPlane() {
        return Boolean.TRUE.equals(allowWorkerCapability);
    }
}
