package io.pcg.agent.tenant;

import io.pcg.agent.cluster.ConfigureRequest.PlacementRequest;
import java.util.List;

/** Tenant cluster requests for tests: {@link #valid()} is a 1 + 2 cluster with static IPs that nothing refuses. */
final class TenantRequests {

    static final PlacementRequest DOMAIN_A = new PlacementRequest(
            "/dc1", "/dc1/host/cluster1", "/dc1/datastore/ds1", "/dc1/network/VM Network", null, null);
    static final PlacementRequest DOMAIN_B = new PlacementRequest(
            "/dc1", "/dc1/host/cluster2", "/dc1/datastore/ds2", "/dc1/network/VM Network", null, "/dc1/vm/tenants");
    static final String SSH_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7cWf0hP4Qz8c7mG2iM2rYH8pX1Yt0Vz9hG3k5Lq2Ws ops@example.com";

    private TenantRequests() {}

    static TenantClusterRequest valid() {
        return new TenantClusterRequest(
                "team-a",
                "v1.34.4",
                1,
                false,
                List.of(new TenantClusterRequest.WorkerPool("workers", 2, 4, 8192, 40)),
                List.of(DOMAIN_A, DOMAIN_B),
                "ubuntu-2404-kube-v1.34.4",
                null,
                new TenantClusterRequest.IpAllocation("static", "tenant-pool", null, null, null),
                List.of(SSH_KEY),
                List.of(),
                null);
    }
}
