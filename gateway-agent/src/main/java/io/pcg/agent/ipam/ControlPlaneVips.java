package io.pcg.agent.ipam;

import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpFamily;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The control-plane VIP of a cluster with static IPs. Taken from the pool, it is an IPAddressClaim like a node's,
 * so no node can ever get it; given explicitly and inside the pool, the claim asks for exactly that address; given
 * explicitly outside the pool range, it only has to sit on the pool's node network.
 */
@Singleton
public class ControlPlaneVips {

    /** Label on VIP claims, so they are told apart from node claims. */
    public static final String ROLE_LABEL = "ipam.pcg.io/role";

    public static final String ROLE = "control-plane-vip";

    /**
     * @param claimName the claim holding the VIP, null when an explicit VIP lies outside the pool
     * @param address   the VIP, null until the allocator has served the claim
     */
    public record Vip(String cluster, String claimName, String address) {}

    private final ManagementCluster managementCluster;
    private final IpamConfig config;
    private final PoolService pools;

    public ControlPlaneVips(ManagementCluster managementCluster, IpamConfig config, PoolService pools) {
        this.managementCluster = managementCluster;
        this.config = config;
        this.pools = pools;
    }

    public static String claimName(String cluster) {
        return cluster + "-control-plane-vip";
    }

    /** Reserves the VIP of {@code cluster} from {@code poolName}; idempotent. */
    public Vip reserve(String cluster, String poolName, String explicitVip) throws IpamException {
        Pool pool = pools.get(poolName);
        Ip requested = null;
        if (explicitVip != null && !explicitVip.isBlank()) {
            try {
                requested = Ip.parse(explicitVip);
            } catch (InvalidAddressException e) {
                throw new IpamException(
                        IpamException.INVALID, "control-plane VIP: " + e.getMessage(), "type the VIP again");
            }
            if (!pool.network().contains(requested)
                    || pool.reservedAddresses().contains(requested)
                    || requested.equals(pool.network().network())
                    || (requested.family() == IpFamily.V4
                            && requested.equals(pool.network().last()))
                    || requested.equals(pool.gateway())) {
                throw new IpamException(
                        IpamException.INVALID,
                        "control-plane VIP " + requested + " is not usable with"
                                + " pool " + poolName + ": it must be a host address on the node network "
                                + pool.network()
                                + ", not its gateway, network, broadcast or an excluded address",
                        "pick another VIP");
            }
            if (!pool.range().contains(requested)) {
                return new Vip(cluster, null, requested.toString());
            }
        }
        ReservationClaims.ensure(
                managementCluster.client(), config.namespace(), claimName(cluster), cluster, ROLE, poolName, requested);
        return new Vip(
                cluster, claimName(cluster), address(cluster).map(Ip::toString).orElse(null));
    }

    /** The VIP once allocated. */
    public Optional<Ip> address(String cluster) {
        return ReservationClaims.address(managementCluster.client(), config.namespace(), claimName(cluster));
    }

    /** Gives the VIP back when the cluster is deleted (the claim's finalizer releases the address). */
    public void release(String cluster) {
        managementCluster
                .client()
                .genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(config.namespace())
                .withName(claimName(cluster))
                .delete();
    }
}
