package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import io.pcg.agent.cluster.manifest.WorkerMachines;
import io.pcg.agent.ipam.Pool;
import io.pcg.agent.ipam.PoolSpec;
import io.pcg.agent.ipam.PoolValidator;
import io.pcg.agent.kube.CrdSchemaValidator;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.testkit.kube.UpstreamCrds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant cluster's objects: what the gateway applies first (seed 004: one control-plane node, no worker), the
 * workers the tenant cluster adds itself, their schemas, placement round-robin, fixed addresses, the {@code spectro}
 * user, and no password in what goes to the tenant's agent.
 */
class TenantManifestsTest {

    private static final String PASSWORD = "vc-Tenant-Secr3t";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CrdSchemaValidator schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = CrdSchemaValidator.fromDefinitions(UpstreamCrds.definitions());
    }

    /** Reserved addresses by node key, as the controller holds them for {@link TenantRequests#valid()}. */
    private static final Map<String, Ip> ADDRESSES = Map.of(
            "cp-1",
            Ip.parse("10.10.183.10"),
            "workers-1",
            Ip.parse("10.10.183.11"),
            "workers-2",
            Ip.parse("10.10.183.12"));

    private static TenantManifests.Inputs inputs(GatewayClusterSpec.Addressing addressing, ProxySettings proxy) {
        return new TenantManifests.Inputs(
                "pcg-tenant-team-a",
                "v1.34.4",
                new CloudAccount(
                        "lab",
                        "vcenter.example.com",
                        "tenant@vsphere.local",
                        io.pcg.common.secrets.Secret.of(PASSWORD),
                        "3F2A61D3C0B1E5F4A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4"),
                addressing,
                addressing instanceof GatewayClusterSpec.ReservedIps ? ADDRESSES : Map.of(),
                Ip.parse("10.10.183.9"),
                Cidr.parse("192.168.0.0/16"),
                Cidr.parse("10.96.0.0/12"),
                proxy);
    }

    private static GatewayClusterSpec.ReservedIps reserved() throws Exception {
        Pool pool = PoolValidator.validate(
                new PoolSpec(
                        "tenant-pool",
                        "range",
                        "10.10.183.10",
                        "10.10.183.100",
                        null,
                        24,
                        "10.10.183.1",
                        List.of("10.10.183.2"),
                        true,
                        List.of()),
                List.of());
        return new GatewayClusterSpec.ReservedIps(pool, List.of(ADDRESSES.get("cp-1")));
    }

    @Test
    void theGatewayAppliesOneControlPlaneNodeAndNoWorkerAllValidAgainstTheirSchemas() throws Exception {
        List<HasMetadata> initial =
                TenantManifests.initial(TenantRequests.valid(), inputs(reserved(), ProxySettings.DIRECT));
        assertThat(initial)
                .extracting(HasMetadata::getKind)
                .containsExactly(
                        "Secret",
                        "VSphereMachineTemplate",
                        "VSphereCluster",
                        "KubeadmControlPlane",
                        "Cluster",
                        "MachineHealthCheck");
        for (HasMetadata object : initial) {
            assertThat(object.getMetadata().getNamespace()).isEqualTo("pcg-tenant-team-a");
            assertThat(object.getMetadata().getLabels()).containsEntry("cluster.x-k8s.io/cluster-name", "team-a");
            if (!(object instanceof Secret)) {
                assertThat(schemas.validate(object)).as(object.getKind()).isEmpty();
            }
        }
        JsonNode kcp = JSON.valueToTree(initial.get(3));
        assertThat(kcp.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(kcp.at("/spec/kubeadmConfigSpec/users/0/name").asText()).isEqualTo("spectro");
        assertThat(kcp.at("/spec/kubeadmConfigSpec/initConfiguration/nodeRegistration/taints")
                        .isMissingNode())
                .isTrue();
        JsonNode device = JSON.valueToTree(initial.get(1)).at("/spec/template/spec/network/devices/0");
        assertThat(device.path("ipAddrs").toString()).isEqualTo("[\"10.10.183.10/24\"]");
        assertThat(device.path("gateway4").asText()).isEqualTo("10.10.183.1");
        assertThat(device.path("addressesFromPools").isMissingNode()).isTrue();
        assertThat(JSON.valueToTree(initial.get(1))
                        .at("/spec/template/spec/resourcePool")
                        .asText())
                .isEqualTo("/dc1/host/cluster1/Resources");
    }

    /** Without the pivot the gateway applies the whole cluster: the requested control plane and every worker. */
    @Test
    void keptInPlaceTheGatewayAppliesEveryNodeAllValidAgainstTheirSchemas() throws Exception {
        TenantClusterRequest valid = TenantRequests.valid();
        TenantClusterRequest threeControlPlanes = new TenantClusterRequest(
                valid.name(),
                valid.kubernetesVersion(),
                3,
                false,
                valid.workerPools(),
                valid.placementDomains(),
                valid.nodeTemplate(),
                null,
                new TenantClusterRequest.IpAllocation(
                        "dhcp", null, "10.10.183.9", "10.10.183.0/24", "10.10.183.100-10.10.183.200"),
                valid.sshKeys(),
                List.of(),
                null);
        List<HasMetadata> complete = TenantManifests.complete(
                threeControlPlanes,
                inputs(new GatewayClusterSpec.Dhcp(Cidr.parse("10.10.183.0/24")), ProxySettings.DIRECT));
        List<HasMetadata> initial = TenantManifests.initial(
                threeControlPlanes,
                inputs(new GatewayClusterSpec.Dhcp(Cidr.parse("10.10.183.0/24")), ProxySettings.DIRECT));
        assertThat(complete).hasSize(initial.size() + 2 * 3);
        assertThat(complete.stream().filter(o -> o.getKind().equals("Machine")))
                .extracting(o -> o.getMetadata().getName())
                .containsExactly("team-a-workers-1", "team-a-workers-2");
        JsonNode kcp = JSON.valueToTree(complete.stream()
                .filter(o -> o.getKind().equals("KubeadmControlPlane"))
                .findFirst()
                .orElseThrow());
        assertThat(kcp.at("/spec/replicas").asInt()).isEqualTo(3);
        for (HasMetadata object : complete) {
            if (!(object instanceof Secret)) {
                assertThat(schemas.validate(object)).as(object.getKind()).isEmpty();
            }
        }
    }

    @Test
    void allowWorkerCapabilityLeavesTheControlPlaneUntainted() throws Exception {
        TenantClusterRequest valid = TenantRequests.valid();
        TenantClusterRequest untainted = new TenantClusterRequest(
                valid.name(),
                valid.kubernetesVersion(),
                1,
                true,
                List.of(),
                valid.placementDomains(),
                valid.nodeTemplate(),
                null,
                valid.ipAllocation(),
                valid.sshKeys(),
                List.of(),
                null);
        JsonNode kcp = JSON.valueToTree(TenantManifests.initial(untainted, inputs(reserved(), ProxySettings.DIRECT))
                .get(3));
        assertThat(kcp.at("/spec/kubeadmConfigSpec/initConfiguration/nodeRegistration/taints")
                        .toString())
                .isEqualTo("[]");
        assertThat(kcp.at("/spec/kubeadmConfigSpec/joinConfiguration/nodeRegistration/taints")
                        .toString())
                .isEqualTo("[]");
        assertThat(schemas.validate(TenantManifests.initial(untainted, inputs(reserved(), ProxySettings.DIRECT))
                        .get(3)))
                .isEmpty();
    }

    @Test
    void workersGoRoundRobinOverThePlacementDomainsWithTheAddressesAfterTheControlPlanes() throws Exception {
        assertThat(TenantManifests.nodeKeys(TenantRequests.valid())).containsExactly("cp-1", "workers-1", "workers-2");
        List<WorkerMachines.Worker> workers = TenantManifests.workerList(TenantRequests.valid(), ADDRESSES);
        assertThat(workers)
                .extracting(WorkerMachines.Worker::name)
                .containsExactly("team-a-workers-1", "team-a-workers-2");
        assertThat(workers)
                .extracting(worker -> worker.placement().cluster())
                .containsExactly("/dc1/host/cluster1", "/dc1/host/cluster2");
        assertThat(workers)
                .extracting(worker -> worker.address().toString())
                .containsExactly("10.10.183.11", "10.10.183.12");
        assertThat(workers).extracting(worker -> worker.size().cpus()).containsOnly(4);

        List<HasMetadata> objects =
                TenantManifests.workers(TenantRequests.valid(), inputs(reserved(), ProxySettings.DIRECT));
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .containsExactly(
                        "KubeadmConfig", "VSphereMachine", "Machine", "KubeadmConfig", "VSphereMachine", "Machine");
        for (HasMetadata object : objects) {
            assertThat(schemas.validate(object))
                    .as(object.getKind() + " " + object.getMetadata().getName())
                    .isEmpty();
            assertThat(object.getMetadata().getLabels()).containsEntry(WorkerMachines.POOL_LABEL, "workers");
        }
        JsonNode second = JSON.valueToTree(objects.get(4));
        assertThat(second.at("/spec/network/devices/0/ipAddrs/0").asText()).isEqualTo("10.10.183.12/24");
        assertThat(second.at("/spec/folder").asText()).isEqualTo("/dc1/vm/tenants");
        assertThat(second.at("/spec/numCPUs").asInt()).isEqualTo(4);
        JsonNode machine = JSON.valueToTree(objects.get(5));
        assertThat(machine.at("/spec/bootstrap/configRef/name").asText()).isEqualTo("team-a-workers-2");
        assertThat(machine.at("/spec/infrastructureRef/kind").asText()).isEqualTo("VSphereMachine");
        assertThat(JSON.valueToTree(objects.get(0)).at("/spec/users/0/name").asText())
                .isEqualTo("spectro");
    }

    @Test
    void withDhcpWorkersAskForALeaseAndFiveDomainsCycle() throws Exception {
        TenantClusterRequest valid = TenantRequests.valid();
        TenantClusterRequest dhcp = new TenantClusterRequest(
                valid.name(),
                null,
                3,
                false,
                List.of(
                        new TenantClusterRequest.WorkerPool("a", 2, null, null, null),
                        new TenantClusterRequest.WorkerPool("b", 1, null, null, null)),
                List.of(TenantRequests.DOMAIN_A, TenantRequests.DOMAIN_B),
                valid.nodeTemplate(),
                null,
                new TenantClusterRequest.IpAllocation("dhcp", null, "10.20.0.5", "10.20.0.0/22", null),
                valid.sshKeys(),
                List.of(),
                null);
        GatewayClusterSpec.Dhcp addressing = new GatewayClusterSpec.Dhcp(Cidr.parse("10.10.183.0/24"));
        assertThat(TenantManifests.workerList(dhcp, Map.of()))
                .extracting(worker -> worker.placement().cluster())
                .containsExactly("/dc1/host/cluster1", "/dc1/host/cluster2", "/dc1/host/cluster1");
        List<HasMetadata> objects = TenantManifests.workers(dhcp, inputs(addressing, ProxySettings.DIRECT));
        assertThat(JSON.valueToTree(objects.get(1))
                        .at("/spec/network/devices/0/dhcp4")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void whatTheTenantAgentGetsHoldsNoPasswordAndWorkersReferenceTheProxySecret() throws Exception {
        String proxyUrl = "http://ops:Px-Tenant-pw@proxy.example.com:3128";
        ProxySettings proxy = ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", proxyUrl, "HTTPS_PROXY", proxyUrl));
        List<HasMetadata> workers = TenantManifests.workers(TenantRequests.valid(), inputs(reserved(), proxy));
        ConfigMap desired = TenantSelfManagement.desired("pcg-tenant-team-a", "team-a", 1, workers);
        String text = JSON.writeValueAsString(desired);
        assertThat(text).doesNotContain(PASSWORD).doesNotContain("Px-Tenant-pw");
        assertThat(JSON.valueToTree(workers.get(0))
                        .at("/spec/files/0/contentFrom/secret/name")
                        .asText())
                .isEqualTo("team-a-proxy");
        List<String> kinds = new ArrayList<>();
        JSON.readTree(desired.getData().get(TenantSelfManagement.WORKERS_KEY))
                .forEach(node -> kinds.add(node.path("kind").asText()));
        assertThat(kinds).hasSize(6);
        assertThat(desired.getData()).containsEntry(TenantSelfManagement.REPLICAS_KEY, "1");
    }
}
