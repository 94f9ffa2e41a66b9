package io.pcg.agent.ipam;

import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.net.Ip;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Node addresses held for a cluster that leaves the agent's management cluster (a pivoted tenant cluster): one claim
 * per node, {@code <cluster>-node-<node>}, in the IPAM namespace, answered by the agent's allocator from a pool of this
 * gateway (a restricted pool is reserved for that cluster, as for any claim). The addresses stay held while the
 * cluster manages itself elsewhere, so no other cluster gets them, and are given back by {@link #release}.
 */
@Singleton
public class NodeAddressReservations {

    public static final String ROLE = "node";

    private final ManagementCluster managementCluster;
    private final IpamConfig config;

    public NodeAddressReservations(ManagementCluster managementCluster, IpamConfig config) {
        this.managementCluster = managementCluster;
        this.config = config;
    }

    static String claimName(String cluster, String node) {
        return cluster + "-node-" + node;
    }

    /**
     * Claims an address for each of {@code nodes} of {@code cluster} from {@code pool}; idempotent, and a node added
     * later gets its own claim while the others keep theirs.
     *
     * @param nodes the nodes' keys, DNS-label characters, unique within the cluster
     * @return the addresses by node, in the order of {@code nodes}; empty while any claim is not answered yet
     */
    public Optional<Map<String, Ip>> reserve(String cluster, String pool, List<String> nodes) {
        for (String node : nodes) {
            ReservationClaims.ensure(
                    managementCluster.client(),
                    config.namespace(),
                    claimName(cluster, node),
                    cluster,
                    ROLE,
                    pool,
                    null);
        }
        Map<String, Ip> addresses = new LinkedHashMap<>();
        for (String node : nodes) {
            Optional<Ip> address =
                    ReservationClaims.address(managementCluster.client(), config.namespace(), claimName(cluster, node));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            addresses.put(node, address.get());
        }
        return Optional.of(Collections.unmodifiableMap(addresses));
    }

    /** Gives every node address of {@code cluster} back (the claims' finalizer releases them). */
    public void release(String cluster) {
        managementCluster
                .client()
                .genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(config.namespace())
                .withLabel(IpamApi.CLUSTER_NAME_LABEL, cluster)
                .withLabel(ControlPlaneVips.ROLE_LABEL, ROLE)
                .delete();
    }
}
