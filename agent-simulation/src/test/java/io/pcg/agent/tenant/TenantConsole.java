package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.vsphere.Vcsim;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The tenant-cluster ITs' view of a gateway through the dev-console, as the portal sees it, and of vCenter. */
final class TenantConsole {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceDefinitionContext CLUSTERS = capiKind("Cluster", "clusters");
    static final ResourceDefinitionContext MACHINES = capiKind("Machine", "machines");
    /** The gateway's pool the tenant clusters' static addresses come from. */
    static final String POOL = "tenant-nodes";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TenantConsole() {}

    /** A tenant-cluster endpoint of the console's admin API, as the portal calls it; the command it sent, finished. */
    static CommandRecord viaApi(DevConsole console, String gatewayId, String method, String path, String body)
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

    static JsonNode result(CommandRecord record) throws Exception {
        succeeded(record);
        return JSON.readTree(record.resultJson());
    }

    static void succeeded(CommandRecord record) {
        assertThat(record.status()).as(record.type() + ": " + record.error()).isEqualTo(CommandState.SUCCEEDED);
    }

    /** {@code cluster.list}'s clusters. */
    static JsonNode clusters(DevConsole console, String gatewayId) throws Exception {
        return result(viaApi(console, gatewayId, "GET", "/clusters", null)).path("clusters");
    }

    /** The tenant cluster {@code name} as {@code cluster.list} shows it; an empty object while it is not listed. */
    static JsonNode tenantRecord(DevConsole console, String gatewayId, String name) throws Exception {
        for (JsonNode cluster : clusters(console, gatewayId)) {
            if (cluster.path("name").asText().equals(name)) {
                return cluster;
            }
        }
        return JSON.createObjectNode();
    }

    /** The reasons of the events about tenant cluster {@code name}, in order. */
    static List<String> reasons(DevConsole console, String gatewayId, String name) {
        return console.events(gatewayId).stream()
                .filter(event -> Objects.equals(event.object(), "cluster/" + name))
                .map(GatewayEvent::reason)
                .toList();
    }

    static boolean online(DevConsole console, String gatewayId) {
        return console.gateway(gatewayId).state().name().equals("ONLINE");
    }

    /** How many addresses of the gateway's IP pool {@code pool} are in use. */
    static long addressesInUse(DevConsole console, String gatewayId, String pool) throws Exception {
        JsonNode pools = result(SiteAdmin.run(console, gatewayId, "ipam.pool.list", Map.of()));
        for (JsonNode usage : pools.path("pools")) {
            if (usage.path("pool").path("name").asText().equals(pool)) {
                return usage.path("used").asLong();
            }
        }
        throw new AssertionError("no pool " + pool + " in " + pools);
    }

    /** Creates {@value #POOL}, 10.0.0.100–110, on the gateway. */
    static void createPool(DevConsole console, String gatewayId) {
        Map<String, Object> pool = SiteAdmin.pool("10.0.0.100", "10.0.0.110");
        pool.put("name", POOL);
        succeeded(SiteAdmin.run(console, gatewayId, "ipam.pool.create", pool));
    }

    /** The Machines in {@code namespace} of the cluster behind {@code client}. */
    static List<GenericKubernetesResource> machines(KubernetesClient client, String namespace) {
        return client.genericKubernetesResources(MACHINES)
                .inNamespace(namespace)
                .list()
                .getItems();
    }

    private static ResourceDefinitionContext capiKind(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("cluster.x-k8s.io")
                .withVersion("v1beta2")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    /** The VMs in vCenter whose names start with {@code prefix-}. */
    static List<String> vms(Vcsim vcsim, String prefix) throws Exception {
        return vcsim.govc("find", "/DC0/vm", "-type", "m", "-name", prefix + "-*")
                .lines()
                .toList();
    }
}
