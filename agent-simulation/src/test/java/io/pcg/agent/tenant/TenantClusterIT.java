package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TENANT = "tenant-a";
    private static final String NAMESPACE = "pcg-tenant-" + TENANT;
    private static final Duration BUILD = Duration.ofMinutes(4);
    private static final ResourceDefinitionContext CLUSTERS = kind("cluster.x-k8s.io", "Cluster", "clusters");
    private static final ResourceDefinitionContext MACHINES = kind("cluster.x-k8s.io", "Machine", "machines");

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
        Map<String, Object> pool = SiteAdmin.pool("10.0.0.100", "10.0.0.110");
        pool.put("name", "tenant-nodes");
        succeeded(SiteAdmin.run(console, gatewayId, "ipam.pool.create", pool));

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
                .until(() -> reasons(console, gatewayId).contains("ClusterManagementMoved"));
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
                                .equals(tenantRecord(console, gatewayId)
                                        .path("state")
                                        .asText())
                        && tenantRecord(console, gatewayId).path("nodes").size() == 2);

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
        assertThat(vms(TENANT)).hasSize(3);
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
                                .equals(tenantRecord(console, gatewayId)
                                        .path("state")
                                        .asText())
                        && tenantRecord(console, gatewayId).path("nodes").size() == 3);
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

        assertThat(reasons(console, gatewayId))
                .containsSubsequence(
                        "ClusterCreateStarted",
                        "ClusterManagementMoved",
                        "ClusterRunning",
                        "ClusterDeleteStarted",
                        "PivotBackStarted",
                        "PivotBackCompleted",
                        "ClusterDeleted");
        assertThat(vms(TENANT)).as("the tenant cluster's VMs in vCenter").isEmpty();
        assertThat(console.events(gatewayId))
                .extracting(GatewayEvent::message)
                .noneMatch(m -> m.contains(Vcsim.PASSWORD));
        assertThat(site.tools().workloads().started()).doesNotContainKey(NAMESPACE + "/" + TENANT);
        JsonNode pools = result(SiteAdmin.run(console, gatewayId, "ipam.pool.list", Map.of()));
        for (JsonNode usage : pools.path("pools")) {
            if (usage.path("pool").path("name").asText().equals("tenant-nodes")) {
                assertThat(usage.path("used").asLong())
                        .as("addresses of tenant-nodes in use")
                        .isZero();
            }
        }
        succeeded(SiteAdmin.run(console, gatewayId, "cloudaccount.delete", Map.of("name", "lab")));
    }

    private static Map<String, Object> createRequest() {
        Map<String, Object> request =
                SiteAdmin.tenantClusterRequest(TENANT, Map.of("type", "static", "pool", "tenant-nodes"));
        request.put("allowWorkerCapability", false);
        request.put("workerPools", List.of(Map.of("name", "workers", "count", 1)));
        request.put("cloudAccount", "lab");
        return request;
    }

    private static List<GenericKubernetesResource> machines(KubeApiServer tenant) {
        return tenant.client()
                .genericKubernetesResources(MACHINES)
                .inNamespace(NAMESPACE)
                .list()
                .getItems();
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

    private static JsonNode tenantRecord(DevConsole console, String gatewayId) throws Exception {
        for (JsonNode cluster : clusters(console, gatewayId)) {
            if (cluster.path("name").asText().equals(TENANT)) {
                return cluster;
            }
        }
        return JSON.createObjectNode();
    }

    private static JsonNode clusters(DevConsole console, String gatewayId) throws Exception {
        return result(viaApi(console, gatewayId, "GET", "/clusters", null)).path("clusters");
    }

    /** A tenant-cluster endpoint of the console's admin API, as the portal calls it; the command it sent, finished. */
    private static CommandRecord viaApi(DevConsole console, String gatewayId, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        console.adminApi().resolve("/api/gateways/" + gatewayId + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(202);
        String commandId = JSON.readTree(response.body()).path("commandId").asText();
        return await(method + " " + path + " finishes")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> console.commands().get(commandId),
                        command -> command.status().isFinal());
    }

    private static JsonNode result(CommandRecord record) throws Exception {
        succeeded(record);
        return JSON.readTree(record.resultJson());
    }

    private static void succeeded(CommandRecord record) {
        assertThat(record.status()).as(record.type() + ": " + record.error()).isEqualTo(CommandState.SUCCEEDED);
    }

    private static List<String> reasons(DevConsole console, String gatewayId) {
        return console.events(gatewayId).stream()
                .filter(event -> Objects.equals(event.object(), "cluster/" + TENANT))
                .map(GatewayEvent::reason)
                .toList();
    }

    private static boolean online(DevConsole console, String gatewayId) {
        return console.gateway(gatewayId).state().name().equals("ONLINE");
    }

    private static List<String> vms(String prefix) throws Exception {
        return VCSIM.vcsim()
                .govc("find", "/DC0/vm", "-type", "m", "-name", prefix + "-*")
                .lines()
                .toList();
    }

    private static ResourceDefinitionContext kind(String group, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1beta2")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }
}
