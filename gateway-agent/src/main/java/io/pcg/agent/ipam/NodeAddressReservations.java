package io.pcg.agent.ipam;

import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.net.Ip;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Node addresses held for a cluster that leaves the agent's management cluster (a pivoted tenant cluster): one claim
 * per node, {@code <cluster>-node-<n>}, in the IPAM namespace, answered by the agent's allocator from a pool of this
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

    static String claimName(String cluster, int node) {
        return cluster + "-node-" + node;
    }

    /**
     * Claims {@code count} addresses for {@code cluster} from {@code pool}; idempotent.
     *
     * @return the addresses in node order, empty while any claim is not answered yet
     */
    public Optional<List<Ip>> reserve(String cluster, String pool, int count) {
        List<Ip> addresses = new ArrayList<>();
        for (int node = 0; node < count; node++) {
            ReservationClaims.ensure(managementCluster.client(), config.namespace(), claimName(cluster, node), cluster, ROLE,
                    pool, null);
        }
        for (int node = 0; node < count; node++) {
            Optional<Ip> address = ReservationClaims.address(managementCluster.client(), config.namespace(), claimName(cluster, node));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            addresses.add(address.get());
        }
        return Optional.of(List.copyOf(addresses));
    }

    /** Gives every node address of {@code cluster} back (the claims' finalizer releases them). */
    public void release(String cluster) {
        managementCluster.client().genericKubernetesResources(IpamApi.CLAIMS).inNamespace(config.namespace())
                .withLabel(IpamApi.CLUSTER_NAME_LABEL, cluster).withLabel(ControlPlaneVips.ROLE_LABEL, ROLE).delete();
    }
}
