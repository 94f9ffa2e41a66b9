package io.pcg.agent.tenant;

import static io.pcg.agent.tenant.TenantConsole.CLUSTERS;
import static io.pcg.agent.tenant.TenantConsole.JSON;
import static io.pcg.agent.tenant.TenantConsole.POOL;
import static io.pcg.agent.tenant.TenantConsole.addressesInUse;
import static io.pcg.agent.tenant.TenantConsole.clusters;
import static io.pcg.agent.tenant.TenantConsole.createPool;
import static io.pcg.agent.tenant.TenantConsole.online;
import static io.pcg.agent.tenant.TenantConsole.reasons;
import static io.pcg.agent.tenant.TenantConsole.succeeded;
import static io.pcg.agent.tenant.TenantConsole.tenantRecord;
import static io.pcg.agent.tenant.TenantConsole.viaApi;
import static io.pcg.agent.tenant.TenantConsole.vms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micronaut.context.ApplicationContext;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.agent.state.StateSettings;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant cluster end to end on the simulated site, in seed 004's order: a 1 + 1 cluster with static addresses
 * from a restricted pool of the gateway is created with one control-plane node and no worker in the gateway cluster;
 * the agent is installed in it and its objects moved into its own API server, where it adds its worker itself; scaled
 * to 1 + 2, it gets the new spec from the gateway and grows by itself while the gateway agent is stopped; with the
 * gateway agent back, it is deleted (moved back first), its VMs are gone from vCenter and its addresses released. While it exists, the gateway cannot be deleted and its cloud account
 * cannot be deleted, both refusals naming it.
 */
class TenantClusterIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.uniform(Duration.ofMillis(100)));

    private static final String TENANT = "tenant-a";
    private static final String NAMESPACE = "pcg-tenant-" + TENANT;
    private static final Duration BUILD = Duration.ofMinutes(4);

    @Test
    void createdPivotedScaledWhileTheGatewayIsStoppedAndDeletedAfterMovingBack() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-tenants";
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        SiteAgent appliance = site.agent(console, name, issued.pin(), Map.of("pcg.agent.tenant.resync", "1s"));
        ApplicationContext agent = site.start(appliance);
        await("the agent pairs").atMost(Duration.ofSeconds(60)).until(() -> online(console, gatewayId));
        assertThat(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(VCSIM.vcsim(), 1))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);
        SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);

        succeeded(SiteAdmin.run(
                console,
                gatewayId,
                "cloudaccount.create",
                Map.of(
                        "name",
                        "lab",
                        "server",
                        VCSIM.vcsim().server(),
                        "username",
                        Vcsim.USERNAME,
                        "password",
                        Vcsim.PASSWORD,
                        "thumbprint",
                        SiteAdmin.thumbprint(VCSIM.vcsim()))));
        createPool(console, gatewayId);

        // The tenant's own agent waits until the pivot is seen, so the cluster is seen as seed 004 leaves it.
        site.tenantAgents().hold();
        CommandRecord create =
                viaApi(console, gatewayId, "POST", "/clusters", JSON.writeValueAsString(createRequest()));
        succeeded(create);

        CommandRecord gatewayDelete = SiteAdmin.run(console, gatewayId, "gateway.delete", Map.of());
        assertThat(gatewayDelete.status()).isEqualTo(CommandState.FAILED);
        assertThat(gatewayDelete.error().code()).isEqualTo("GATEWAY_DELETE_REFUSED");
        assertThat(gatewayDelete.error().message()).contains(TENANT);
        CommandRecord accountDelete = SiteAdmin.run(console, gatewayId, "cloudaccount.delete", Map.of("name", "lab"));
        assertThat(accountDelete.status()).isEqualTo(CommandState.FAILED);
        assertThat(accountDelete.error().code()).isEqualTo("CLOUD_ACCOUNT_IN_USE");
        assertThat(accountDelete.error().message()).contains(TENANT);
        CommandRecord notDeleting = viaApi(console, gatewayId, "DELETE", "/clusters/" + TENANT + "?force=true", null);
        assertThat(notDeleting.error().code()).isEqualTo("CLUSTER_FORCE_DELETE_REFUSED");

        await("the tenant cluster's objects are moved into it")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> reasons(console, gatewayId, TENANT).contains("ClusterManagementMoved"));
        KubeApiServer tenant = site.tools().workloads().started().get(NAMESPACE + "/" + TENANT);
        assertThat(tenant).as("the tenant cluster's own API server").isNotNull();
        KubernetesClient gatewayCluster =
                site.tools().workloads().started().get("pcg-system/" + name).client();
        // Since the gateway's pivot the agent keeps its state in the gateway cluster, where every replica reads it.
        String tenantStore = new String(
                Base64.getDecoder()
                        .decode(gatewayCluster
                                .secrets()
                                .inNamespace("pcg-system")
                                .withName(StateSettings.DEFAULT_SECRET)
                                .get()
                                .getData()
                                .get("tenant-clusters.json")),
                StandardCharsets.UTF_8);
        assertThat(tenantStore).as("the tenant store").contains(TENANT).doesNotContain(Vcsim.PASSWORD);
        assertThat(appliance.stateDir().resolve("tenant-clusters.json"))
                .as("no stale copy on the installer VM")
                .doesNotExist();
        assertThat(gatewayCluster
                        .genericKubernetesResources(CLUSTERS)
                        .inNamespace(NAMESPACE)
                        .withName(TENANT)
                        .get())
                .isNull();
        assertThat(tenant.client()
                        .genericKubernetesResources(CLUSTERS)
                        .inNamespace(NAMESPACE)
                        .withName(TENANT)
                        .get())
                .isNotNull();
        assertThat(machines(tenant))
                .as("seed 004: one control-plane node, no worker, before the pivot")
                .hasSize(1);

        site.tenantAgents().release();
        await("the 1 + 1 cluster runs")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "RUNNING"
                                .equals(tenantRecord(console, gatewayId, TENANT)
                                        .path("state")
                                        .asText())
                        && tenantRecord(console, gatewayId, TENANT)
                                        .path("nodes")
                                        .size()
                                == 2);

        // The gateway hands the new spec to the tenant cluster and is stopped before the tenant cluster acts on it.
        site.tenantAgents().hold();
        succeeded(viaApi(
                console,
                gatewayId,
                "POST",
                "/clusters/" + TENANT + "/scale",
                JSON.writeValueAsString(Map.of("workerPools", List.of(Map.of("name", "workers", "count", 2))))));
        await("the tenant cluster has the new spec")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> desiredWorkers(tenant) == 2);
        agent.close();
        assertThat(machines(tenant))
                .as("held until the gateway agent is stopped")
                .hasSize(2);
        site.tenantAgents().release();
        await("the tenant cluster grows to 1 + 2 by itself")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> readyMachines(tenant) == 3);
        assertThat(vms(VCSIM.vcsim(), TENANT)).hasSize(3);
        for (GenericKubernetesResource machine : machines(tenant)) {
            List<String> addresses = new ArrayList<>();
            for (Object address :
                    (List<?>) ((Map<?, ?>) machine.getAdditionalProperties().get("status")).get("addresses")) {
                addresses.add(String.valueOf(((Map<?, ?>) address).get("address")));
            }
            assertThat(addresses)
                    .as("machine %s's addresses", machine.getMetadata().getName())
                    .anyMatch(address -> address.matches("10\\.0\\.0\\.1(0[0-9]|10)"));
        }

        ApplicationContext restarted = site.start(appliance);
        await("the agent reconnects").atMost(Duration.ofSeconds(60)).until(() -> online(console, gatewayId));
        await("the gateway sees the tenant cluster running")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "RUNNING"
                                .equals(tenantRecord(console, gatewayId, TENANT)
                                        .path("state")
                                        .asText())
                        && tenantRecord(console, gatewayId, TENANT)
                                        .path("nodes")
                                        .size()
                                == 3);
        assertThat(restarted.isRunning()).isTrue();

        CommandRecord delete = viaApi(console, gatewayId, "DELETE", "/clusters/" + TENANT, null);
        succeeded(delete);
        CommandRecord tooEarly = viaApi(console, gatewayId, "DELETE", "/clusters/" + TENANT + "?force=true", null);
        assertThat(tooEarly.error().code()).isEqualTo("CLUSTER_FORCE_DELETE_REFUSED");
        assertThat(tooEarly.error().message()).contains("15 minutes");
        await("the tenant cluster is deleted")
                .atMost(BUILD)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> clusters(console, gatewayId).isEmpty());

        assertThat(reasons(console, gatewayId, TENANT))
                .containsSubsequence(
                        "ClusterCreateStarted",
                        "ClusterManagementMoved",
                        "ClusterRunning",
                        "ClusterDeleteStarted",
                        "PivotBackStarted",
                        "PivotBackCompleted",
                        "ClusterDeleted");
        assertThat(vms(VCSIM.vcsim(), TENANT))
                .as("the tenant cluster's VMs in vCenter")
                .isEmpty();
        assertThat(console.events(gatewayId))
                .extracting(GatewayEvent::message)
                .noneMatch(m -> m.contains(Vcsim.PASSWORD));
        assertThat(site.tools().workloads().started()).doesNotContainKey(NAMESPACE + "/" + TENANT);
        assertThat(addressesInUse(console, gatewayId, POOL))
                .as("addresses of tenant-nodes in use")
                .isZero();
        succeeded(SiteAdmin.run(console, gatewayId, "cloudaccount.delete", Map.of("name", "lab")));
    }

    private static Map<String, Object> createRequest() {
        Map<String, Object> request = SiteAdmin.tenantClusterRequest(TENANT, Map.of("type", "static", "pool", POOL));
        request.put("allowWorkerCapability", false);
        request.put("workerPools", List.of(Map.of("name", "workers", "count", 1)));
        request.put("cloudAccount", "lab");
        return request;
    }

    private static List<GenericKubernetesResource> machines(KubeApiServer tenant) {
        return TenantConsole.machines(tenant.client(), NAMESPACE);
    }

    /** How many worker Machines the spec the gateway left in the tenant cluster asks for. */
    private static long desiredWorkers(KubeApiServer tenant) throws Exception {
        ConfigMap desired = tenant.client()
                .configMaps()
                .inNamespace(NAMESPACE)
                .withName(TenantSelfManagement.DESIRED)
                .get();
        if (desired == null) {
            return 0;
        }
        long machines = 0;
        for (JsonNode object : JSON.readTree(desired.getData().get("workers.json"))) {
            machines += "Machine".equals(object.path("kind").asText()) ? 1 : 0;
        }
        return machines;
    }

    private static long readyMachines(KubeApiServer tenant) {
        return machines(tenant).stream()
                .filter(machine -> {
                    Object status = machine.getAdditionalProperties().get("status");
                    Object conditions = status instanceof Map<?, ?> map ? map.get("conditions") : null;
                    return conditions instanceof List<?> list
                            && list.stream()
                                    .anyMatch(c -> c instanceof Map<?, ?> condition
                                            && "Ready".equals(condition.get("type"))
                                            && "True".equals(condition.get("status")));
                })
                .count();
    }
}
