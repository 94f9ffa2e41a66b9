package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.cli.Pcg;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.ClusterHealthRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.testkit.kube.KubeApiServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent watches the Nodes of the cluster it manages (a real API server of its own, so no other test's Nodes
 * count): a node condition that signals a problem makes the cluster Unhealthy with that reason, at the console, in
 * the agent's {@code GET /status} and {@code pcg status}, and as an event; clearing it makes it Healthy again. Once
 * the agent is gone, the console shows the gateway's health Unhealthy with its heartbeats missing.
 */
class ClusterHealthIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NAME = "pcg-health";
    private static final String NODE = "pcg-health-cp-0";

    @TempDir
    Path tmp;

    @Test
    void aNodeConditionMakesTheClusterUnhealthyAndClearingItHealthyAgain() throws Exception {
        try (KubeApiServer kube = KubeApiServer.start();
                EmbeddedConsole console = EmbeddedConsole.start(tmp.resolve("console"))) {
            KubernetesClient client = kube.client();
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(NODE)
                            .endMetadata()
                            .build())
                    .create();
            setConditions(client, "False");

            GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
            String gatewayId = issued.gateway().id();
            EmbeddedServer server = ApplicationContext.run(
                    EmbeddedServer.class,
                    Map.ofEntries(
                            Map.entry("micronaut.server.port", -1),
                            Map.entry("pcg.agent.name", NAME),
                            Map.entry("pcg.agent.console-endpoint", console.endpoint()),
                            Map.entry("pcg.agent.pairing-code", issued.pin()),
                            Map.entry(
                                    "pcg.agent.state-dir", tmp.resolve("agent").toString()),
                            Map.entry(
                                    "pcg.agent.console-ca-file",
                                    console.caFile().toString()),
                            Map.entry(
                                    "pcg.agent.kube.kubeconfig",
                                    kube.kubeconfig().toString()),
                            // Checks every 200 ms; the periods shrink with it, so the history (20 samples) still covers
                            // them.
                            Map.entry("pcg.agent.health.interval", "200ms"),
                            Map.entry("pcg.agent.health.cpu-period", "2s"),
                            Map.entry("pcg.agent.health.memory-period", "2s"),
                            Map.entry("pcg.agent.health.history-size", 20)),
                    GatewayAgentApplication.ENVIRONMENT);
            try (ApplicationContext agent = server.getApplicationContext()) {
                String agentUrl = "http://127.0.0.1:" + server.getPort();
                ClusterHealthRecord healthy = awaitHealth(
                        console, gatewayId, "Healthy", health -> health.nodes().size() == 1);
                assertThat(healthy.usageSource())
                        .as("the test API server serves no metrics.k8s.io")
                        .isEqualTo("requests");
                assertThat(healthy.usage().cpuCores()).isEqualTo(4);
                assertThat(healthy.usage().memoryBytes()).isEqualTo(8L << 30);
                assertThat(healthy.history()).isNotEmpty();
                assertThat(healthy.nodes().get(0).conditions())
                        .extracting(c -> c.type() + "=" + c.status())
                        .containsExactlyInAnyOrder("Ready=True", "DiskPressure=False", "MemoryPressure=False");

                setConditions(client, "True");
                ClusterHealthRecord unhealthy = awaitHealth(console, gatewayId, "Unhealthy", health -> true);
                assertThat(unhealthy.reasons())
                        .extracting(ClusterHealthRecord.Reason::reason, ClusterHealthRecord.Reason::object)
                        .containsExactly(Tuple.tuple("NodeDiskPressure", "node/" + NODE));
                assertThat(unhealthy.reasons().get(0).message())
                        .contains("KubeletHasDiskPressure")
                        .contains("free disk space on the node");
                awaitEvent(console, gatewayId, HealthMonitor.UNHEALTHY, "NodeDiskPressure node/" + NODE);

                String status = get(agentUrl + "/status");
                assertThat(status).contains("\"verdict\":\"Unhealthy\"").contains("\"reason\":\"NodeDiskPressure\"");
                StringWriter out = new StringWriter();
                assertThat(Pcg.execute(
                                Map.of(),
                                new PrintWriter(out),
                                new PrintWriter(new StringWriter()),
                                "--agent-url",
                                agentUrl,
                                "status"))
                        .isZero();
                assertThat(out.toString())
                        .contains("Cluster health:          Unhealthy")
                        .contains("NodeDiskPressure       node/" + NODE + ": node " + NODE + " has DiskPressure");

                setConditions(client, "False");
                awaitHealth(
                        console,
                        gatewayId,
                        "Healthy",
                        health -> health.reasons().isEmpty());
                awaitEvent(
                        console,
                        gatewayId,
                        HealthMonitor.HEALTHY,
                        "healthy again (was: NodeDiskPressure node/" + NODE + ")");
            }

            // The agent is gone: the console shows the gateway Offline, and its last (Healthy) report as Unhealthy
            // with the heartbeats missing.
            await("the console shows the gateway Offline")
                    .atMost(WAIT)
                    .until(() -> console.context()
                                    .getBean(GatewayStore.class)
                                    .get(gatewayId)
                                    .state()
                            == GatewayState.OFFLINE);
            String health = get(console.httpUri()
                    .resolve("/api/gateways/" + gatewayId + "/health")
                    .toString());
            assertThat(health)
                    .contains("\"verdict\":\"Unhealthy\"")
                    .containsPattern("\"reasons\":\\[\\{\"reason\":\"HeartbeatMissing\"")
                    .contains("\"usageSource\":\"requests\"");
        }
    }

    /** Ready, and DiskPressure and MemoryPressure at {@code pressure}; 4 cores and 8 GiB allocatable. */
    private static void setConditions(KubernetesClient client, String pressure) {
        String now = Instant.now().toString();
        List<NodeCondition> conditions = List.of(
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
                condition(
                        "DiskPressure",
                        pressure,
                        "True".equals(pressure) ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                        "kubelet has " + ("True".equals(pressure) ? "" : "no ") + "disk pressure",
                        now),
                condition(
                        "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory", now));
        Node node = client.nodes().withName(NODE).get();
        node.setStatus(new NodeStatusBuilder()
                .withConditions(conditions)
                .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
                .withCapacity(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
                .build());
        client.nodes().resource(node).updateStatus();
    }

    private static NodeCondition condition(String type, String status, String reason, String message, String now) {
        return new NodeConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .build();
    }

    private static ClusterHealthRecord awaitHealth(
            EmbeddedConsole console, String gatewayId, String verdict, Predicate<ClusterHealthRecord> also) {
        Supplier<ClusterHealthRecord> stored = () ->
                console.context().getBean(GatewayStore.class).get(gatewayId).health();
        await("the console stores a " + verdict + " health").atMost(WAIT).until(() -> {
            ClusterHealthRecord health = stored.get();
            return health != null && health.verdict().equals(verdict) && also.test(health);
        });
        return stored.get();
    }

    private static void awaitEvent(EmbeddedConsole console, String gatewayId, String reason, String messagePart) {
        await("the console gets the agent's " + reason + " event")
                .atMost(WAIT)
                .until(() -> console.context().getBean(GatewayEvents.class).list(gatewayId).stream()
                        .filter(event -> event.source().equals(GatewayEvent.FROM_AGENT))
                        .anyMatch(event ->
                                event.reason().equals(reason) && event.message().contains(messagePart)));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
