package io.pcg.agent.tenant;

import static io.pcg.agent.tenant.TenantConsole.JSON;
import static io.pcg.agent.tenant.TenantConsole.POOL;
import static io.pcg.agent.tenant.TenantConsole.addressesInUse;
import static io.pcg.agent.tenant.TenantConsole.clusters;
import static io.pcg.agent.tenant.TenantConsole.createPool;
import static io.pcg.agent.tenant.TenantConsole.machines;
import static io.pcg.agent.tenant.TenantConsole.online;
import static io.pcg.agent.tenant.TenantConsole.reasons;
import static io.pcg.agent.tenant.TenantConsole.succeeded;
import static io.pcg.agent.tenant.TenantConsole.tenantRecord;
import static io.pcg.agent.tenant.TenantConsole.viaApi;
import static io.pcg.agent.tenant.TenantConsole.vms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant cluster with {@code pcg.agent.tenant.pivot=false}: a 1 + 2 cluster with static addresses is applied whole
 * to the gateway's management cluster and stays there (no Cluster API, agent or API server of its own on the
 * simulated site: its workload cluster shares the site's one server for tenant clusters); it runs, is scaled to 1 + 3
 * there, and is deleted there without a move back, its VMs gone from vCenter and its addresses released.
 */
class TenantClusterNoPivotIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(
            VCSIM, Delays.uniform(Duration.ofMillis(100)), SimulatedSiteExtension.TENANT_NAMESPACES);

    private static final String TENANT = "tenant-in-place";
    private static final String NAMESPACE = "pcg-tenant-" + TENANT;
    private static final Duration BUILD = Duration.ofMinutes(4);

    @Test
    void createdWholeInTheManagementClusterScaledAndDeletedThereWithoutAMove() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-in-place";
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        site.start(site.agent(
                console,
                name,
                issued.pin(),
                Map.of("pcg.agent.tenant.resync", "1s", "pcg.agent.tenant.pivot", "false")));
        await("the agent pairs").atMost(Duration.ofSeconds(60)).until(() -> online(console, gatewayId));
        succeeded(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(VCSIM.vcsim(), 1)));
        SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);
        createPool(console, gatewayId);
        KubernetesClient management =
                site.tools().workloads().started().get("pcg-system/" + name).client();

        Map<String, Object> request = SiteAdmin.tenantClusterRequest(TENANT, Map.of("type", "static", "pool", POOL));
        request.put("allowWorkerCapability", false);
        request.put("workerPools", List.of(Map.of("name", "workers", "count", 2)));
        succeeded(viaApi(console, gatewayId, "POST", "/clusters", JSON.writeValueAsString(request)));

        await("the 1 + 2 cluster runs")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running(console, gatewayId, 3));
        JsonNode record = tenantRecord(console, gatewayId, TENANT);
        assertThat(record.path("inPlace").asBoolean()).isTrue();
        assertThat(record.path("conditions").has("ClusterManagementMoved"))
                .as("no move is pending")
                .isFalse();
        assertThat(machines(management, NAMESPACE)).hasSize(3);
        assertThat(site.tools().workloads().started())
                .as("no API server of its own")
                .doesNotContainKey(NAMESPACE + "/" + TENANT);
        assertThat(vms(VCSIM.vcsim(), TENANT)).hasSize(3);
        assertThat(addressesInUse(console, gatewayId, POOL))
                .as("3 node addresses and the VIP")
                .isEqualTo(4);

        succeeded(viaApi(
                console,
                gatewayId,
                "POST",
                "/clusters/" + TENANT + "/scale",
                JSON.writeValueAsString(Map.of("workerPools", List.of(Map.of("name", "workers", "count", 3))))));
        await("the cluster grows to 1 + 3 in the management cluster")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running(console, gatewayId, 4));
        assertThat(machines(management, NAMESPACE)).hasSize(4);

        succeeded(viaApi(console, gatewayId, "DELETE", "/clusters/" + TENANT, null));
        await("the tenant cluster is deleted")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> clusters(console, gatewayId).isEmpty());
        assertThat(reasons(console, gatewayId, TENANT))
                .containsSubsequence(
                        "ClusterCreateStarted",
                        "InfrastructureCreated",
                        "ClusterRunning",
                        "ClusterScaleStarted",
                        "ClusterDeleteStarted",
                        "ClusterDeleted")
                .doesNotContain("PivotStarted", "PivotBackStarted", "ClusterManagementMoved");
        assertThat(machines(management, NAMESPACE)).isEmpty();
        assertThat(vms(VCSIM.vcsim(), TENANT))
                .as("the tenant cluster's VMs in vCenter")
                .isEmpty();
        assertThat(addressesInUse(console, gatewayId, POOL))
                .as("addresses of tenant-nodes in use")
                .isZero();
        assertThat(console.events(gatewayId)).noneMatch(event -> event.message().contains(Vcsim.PASSWORD));
    }

    /** Running with {@code nodes} nodes, as the console lists it. */
    private static boolean running(DevConsole console, String gatewayId, int nodes) throws Exception {
        JsonNode record = tenantRecord(console, gatewayId, TENANT);
        return "RUNNING".equals(record.path("state").asText())
                && record.path("nodes").size() == nodes;
    }
}
