package io.pcg.agent.cluster;

import io.pcg.agent.ipam.PoolSpec;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.secrets.Secret;
import java.util.List;

/**
 * The {@code gateway.configure} payload: what the admin enters in the console's "Configure" dialog (the product
 * guide's order: vCenter credentials, placement, SSH keys and NTP servers, IP allocation, size).
 *
 * @param vcenter           the account; it becomes the gateway's default cloud account
 * @param placement         where the nodes go
 * @param nodeTemplate      the VM template the nodes are cloned from
 * @param sshKeys           public keys for SSH to every node
 * @param ntpServers        time servers for every node
 * @param ipAllocation      static addresses from a pool the dialog creates, or DHCP
 * @param nodeCount         1 or 3
 * @param kubernetesVersion optional; the version the appliance image pins when absent
 */
public record ConfigureRequest(
        Vcenter vcenter,
        PlacementRequest placement,
        String nodeTemplate,
        List<String> sshKeys,
        List<String> ntpServers,
        IpAllocation ipAllocation,
        Integer nodeCount,
        String kubernetesVersion) {

    public ConfigureRequest {
        sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
        ntpServers = ntpServers == null ? List.of() : List.copyOf(ntpServers);
    }

    /** The same request for another size (a resize). */
    ConfigureRequest withNodeCount(int nodes) {
        return new ConfigureRequest(
                vcenter, placement, nodeTemplate, sshKeys, ntpServers, ipAllocation, nodes, kubernetesVersion);
    }

    /** The same request after an upgrade of the Kubernetes version. */
    ConfigureRequest withKubernetesVersion(String version) {
        return new ConfigureRequest(
                vcenter, placement, nodeTemplate, sshKeys, ntpServers, ipAllocation, nodeCount, version);
    }

    /** The same request after an upgrade of the node image. */
    ConfigureRequest withNodeTemplate(String template) {
        return new ConfigureRequest(
                vcenter, placement, template, sshKeys, ntpServers, ipAllocation, nodeCount, kubernetesVersion);
    }

    /** The vCenter account; {@code password} never prints. */
    public record Vcenter(String server, String username, Secret password, String thumbprint) {}

    /** Placement as the dialog names it ("Compute Cluster"); resource pool and folder are optional. */
    public record PlacementRequest(
            String datacenter,
            String computeCluster,
            String datastore,
            String network,
            String resourcePool,
            String folder) {

        public Placement toPlacement() {
            return new Placement(datacenter, computeCluster, datastore, network, resourcePool, folder);
        }
    }

    /**
     * @param type            {@code static} or {@code dhcp}
     * @param pool            static: the IP pool the dialog creates (the product guide's IP pool fields)
     * @param controlPlaneVip the API server's address; static: optional (taken from the pool when absent); DHCP:
     *                        required, outside the DHCP range
     * @param nodeNetwork     DHCP: the node network as CIDR
     * @param dhcpRange       DHCP: the DHCP server's range, to keep the VIP out of it
     */
    public record IpAllocation(
            String type, PoolSpec pool, String controlPlaneVip, String nodeNetwork, String dhcpRange) {

        public static final String STATIC = "static";
        public static final String DHCP = "dhcp";

        boolean isStatic() {
            return STATIC.equals(type);
        }
    }
}
