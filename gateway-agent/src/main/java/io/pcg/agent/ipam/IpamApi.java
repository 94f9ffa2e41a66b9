package io.pcg.agent.ipam;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pcg.common.net.Ip;

/** Kinds, versions, labels and annotations of the CAPI IPAM contract as this agent speaks it. */
public final class IpamApi {

    public static final String GROUP = "ipam.cluster.x-k8s.io";
    /** The pool kind CAPV's {@code addressesFromPools} references; the agent serves the pools it manages. */
    public static final String POOL_KIND = "InClusterIPPool";

    public static final ResourceDefinitionContext POOLS = context(GROUP, "v1alpha2", "inclusterippools", POOL_KIND);
    public static final ResourceDefinitionContext CLAIMS =
            context(GROUP, "v1beta2", "ipaddressclaims", "IPAddressClaim");
    public static final ResourceDefinitionContext ADDRESSES = context(GROUP, "v1beta2", "ipaddresses", "IPAddress");
    public static final ResourceDefinitionContext CLUSTERS =
            context("cluster.x-k8s.io", "v1beta2", "clusters", "Cluster");

    /** Marks the pools this agent created and serves; pools without it belong to someone else. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    /**
     * Makes {@code clusterctl move} carry the object along at the pivot. Pools, the VIP's claim and addresses have no
     * owner chain up to a Cluster, so without it they would stay behind in the bootstrap cluster; with it, the agent
     * on the gateway cluster finds every address with its claim and keeps serving them.
     */
    public static final String MOVE_LABEL = "clusterctl.cluster.x-k8s.io/move";

    /**
     * Set by {@code clusterctl move} on the source's objects just before it deletes them: such an address lives on in
     * the target cluster and is not released.
     */
    public static final String DELETE_FOR_MOVE_ANNOTATION = "clusterctl.cluster.x-k8s.io/delete-for-move";

    public static final String MANAGED_BY = "pcg-gateway-agent";

    public static final String CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
    public static final String PAUSED_ANNOTATION = "cluster.x-k8s.io/paused";

    private static final String PREFIX = "ipam.pcg.io/";
    /** On IPAddresses: the pool an address came from. */
    public static final String POOL_LABEL = PREFIX + "pool";
    /** On IPAddresses: the claim an address answers (claimRef has it too, but labels can be selected on). */
    public static final String CLAIM_LABEL = PREFIX + "claim";
    /** On pools: seed fields the InClusterIPPool schema has no field for. */
    public static final String NETWORK_TYPE_ANNOTATION = PREFIX + "network-type";

    public static final String NAME_SERVERS_ANNOTATION = PREFIX + "name-servers";
    public static final String RESTRICTED_ANNOTATION = PREFIX + "restrict-to-single-cluster";
    /** On restricted pools: the cluster that holds the pool. */
    public static final String RESERVED_FOR_ANNOTATION = PREFIX + "reserved-for-cluster";
    /**
     * On restricted pools: the uid of the last address handed out under the reservation. Writing it changes the
     * pool's resourceVersion, which is what makes a concurrent release's removal of the reservation fail and look again.
     */
    public static final String RESERVATION_CONFIRMED_ANNOTATION = PREFIX + "reservation-confirmed-by";
    /** On claims: take exactly this address (an explicit control-plane VIP inside the pool). */
    public static final String REQUESTED_ADDRESS_ANNOTATION = PREFIX + "requested-address";
    /** On IPAddresses whose claim is gone but whose reuse grace period runs: when it was released. */
    public static final String RELEASED_AT_ANNOTATION = PREFIX + "released-at";
    /**
     * On IPAddresses (set when they are created): keeps a deleted address until the agent has released it. Claims
     * served by agents before 2026-11 carry it too; the agent removes it when such a claim is deleted.
     */
    public static final String FINALIZER = PREFIX + "release-address";

    private IpamApi() {}

    private static ResourceDefinitionContext context(String group, String version, String plural, String kind) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(true)
                .build();
    }

    public static String apiVersion(ResourceDefinitionContext context) {
        return context.getGroup() + "/" + context.getVersion();
    }

    /** IPAddress objects are named after the address alone, so the API server refuses a second holder (409). */
    public static String addressObjectName(Ip address) {
        return "ip-" + address.toLabel();
    }
}
