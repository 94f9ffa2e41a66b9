package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micronaut.context.ApplicationContext;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Upgrade" from the console on the simulated site, after the pivot: a new Kubernetes version and node image roll
 * over the gateway cluster's node one machine at a time; a tenant-cluster request sent meanwhile is queued, survives
 * an agent restart and runs after the upgrade.
 */
class GatewayClusterUpgradeIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NEW_TEMPLATE = "pcg-node-template-v1.35";

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.uniform(Duration.ofMillis(100)));

    @Test
    void rollsTheNodeOverOneMachineAtATimeWhileATenantRequestWaitsAcrossAnAgentRestart() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-upgrade";
        SiteAdmin.createNodeTemplate(VCSIM.vcsim(), NEW_TEMPLATE);
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        SiteAgent agent = site.agent(console, name, issued.pin(), Map.of());
        ApplicationContext first = site.start(agent);
        await("the agent registers")
                .atMost(Duration.ofSeconds(60))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
        assertThat(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(VCSIM.vcsim(), 1))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);
        SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);
        KubernetesClient gateway =
                site.tools().workloads().started().get("pcg-system/" + name).client();
        Set<String> oldMachines =
                machines(gateway).stream().map(m -> m.getMetadata().getName()).collect(Collectors.toSet());

        // New nodes stay un-Ready until released, so the upgrade is certainly under way for the queue and the restart.
        Faults.Fault newNodesHeld = site.tools().faults().neverReady(machine -> !oldMachines.contains(machine));
        try (ProvisioningMachines watched = new ProvisioningMachines(gateway)) {
            HttpResponse<String> accepted = HTTP.send(
                    HttpRequest.newBuilder(console.adminApi().resolve("/api/gateways/" + gatewayId + "/upgrade"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                                    "kubernetesVersion",
                                    "v1.35.0",
                                    "nodeTemplate",
                                    NEW_TEMPLATE,
                                    "requestedBy",
                                    "admin@acme"))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String upgradeId = JSON.readTree(accepted.body()).path("commandId").asText();
            await("the upgrade is accepted")
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> console.commands().get(upgradeId).status().isFinal());
            assertThat(console.commands().get(upgradeId).status()).isEqualTo(CommandState.SUCCEEDED);
            SiteAdmin.awaitState(console, gatewayId, "Upgrading", Duration.ofSeconds(30));

            CommandRecord again =
                    SiteAdmin.run(console, gatewayId, "gateway.upgrade", Map.of("kubernetesVersion", "v1.35.1"));
            assertThat(again.error().code()).isEqualTo(GatewayCommands.WRONG_STATE);
            assertThat(again.error().message())
                    .isEqualTo("the gateway cannot be upgraded while it is upgrading already");

            // A valid request: the handler refuses any cluster.create while the gateway is not Running, so only one
            // that waits for the upgrade to end can succeed.
            CommandRecord tenant = console.commands()
                    .submit(
                            gatewayId,
                            "cluster.create",
                            JSON.writeValueAsString(SiteAdmin.tenantClusterRequest(
                                    "tenant-1",
                                    Map.of(
                                            "type", "dhcp",
                                            "nodeNetwork", "10.0.0.0/24",
                                            "dhcpRange", "10.0.0.100-10.0.0.200",
                                            "controlPlaneVip", "10.0.0.250"))));
            CommandRecord queued = await("the tenant request is queued")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> console.commands().get(tenant.id()), c -> c.status() == CommandState.QUEUED_BY_AGENT);
            assertThat(queued.queuedReason())
                    .isEqualTo(
                            "the gateway is upgrading; cluster.create requests run after that, in the order they arrived");

            int registered = registrations(console, gatewayId);
            first.close();
            site.start(agent);
            await("the restarted agent registers")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> registrations(console, gatewayId) > registered);
            assertThat(console.commands().get(tenant.id()).status())
                    .as("still waiting after the restart")
                    .isEqualTo(CommandState.QUEUED_BY_AGENT);

            newNodesHeld.clear();
            ClusterStatusRecord running =
                    SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);
            CommandRecord answered = await("the tenant request is answered")
                    .atMost(Duration.ofMinutes(1))
                    .until(
                            () -> console.commands().get(tenant.id()),
                            c -> c.status().isFinal());
            GatewayEvent completed = console.events(gatewayId).stream()
                    .filter(e -> e.reason().equals("UpgradeCompleted"))
                    .findFirst()
                    .orElseThrow();
            assertThat(answered.finishedAt()).as("run after the upgrade").isAfterOrEqualTo(completed.time());
            assertThat(answered.status()).as(String.valueOf(answered.error())).isEqualTo(CommandState.SUCCEEDED);
            assertThat(JSON.readTree(answered.resultJson()).path("name").asText())
                    .isEqualTo("tenant-1");

            assertThat(running.nodes())
                    .hasSize(1)
                    .allSatisfy(node -> assertThat(node.ready()).isTrue());
            assertThat(watched.mostAtOnce())
                    .as("machines provisioning at the same time")
                    .isEqualTo(1);
            assertThat(watched.mostMachines())
                    .as("machines at the same time (one surge machine)")
                    .isEqualTo(2);
        }
        List<GenericKubernetesResource> machines = machines(gateway);
        assertThat(machines).hasSize(1).allSatisfy(machine -> {
            assertThat(oldMachines).doesNotContain(machine.getMetadata().getName());
            assertThat(Fields.text(machine, "spec", "version")).isEqualTo("v1.35.0");
        });
        GenericKubernetesResource vsphereMachine = gateway.genericKubernetesResources(CapiKinds.VSPHERE_MACHINES)
                .inNamespace("pcg-system")
                .withName(Fields.text(machines.get(0), "spec", "infrastructureRef", "name"))
                .get();
        assertThat(Fields.text(vsphereMachine, "spec", "template")).isEqualTo(NEW_TEMPLATE);
        assertThat(VCSIM.vcsim()
                        .govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                        .lines()
                        .toList())
                .as("the old node's VM is gone")
                .hasSize(1);

        // A step may fail and be retried while the agent restarts mid-upgrade (a "...Failed" event, which clears by
        // itself); the milestones themselves arrive once each, in order.
        List<String> steps = console.events(gatewayId).stream()
                .map(GatewayEvent::reason)
                .filter(reason -> reason.startsWith("Upgrade") && !reason.endsWith("Failed"))
                .toList();
        assertThat(steps).containsExactly("UpgradeStarted", "Upgraded", "UpgradeCompleted");
        assertThat(console.events(gatewayId).stream()
                        .filter(e -> e.reason().equals("UpgradeStarted"))
                        .findFirst()
                        .orElseThrow()
                        .message())
                .isEqualTo("upgrading the gateway cluster, one node at a time: kubernetesVersion v1.34.4 → v1.35.0, "
                        + "nodeTemplate pcg-node-template → pcg-node-template-v1.35 (requested by admin@acme)");

        JsonNode status = JSON.readTree(
                SiteAdmin.run(console, gatewayId, "gateway.status", Map.of()).resultJson());
        JsonNode details = status.path("upgrades").path(0);
        assertThat(details.path("requestedBy").asText()).isEqualTo("admin@acme");
        assertThat(details.path("changes").path(0).path("from").asText()).isEqualTo("v1.34.4");
        assertThat(details.path("changes").path(0).path("to").asText()).isEqualTo("v1.35.0");
        assertThat(details.path("requestedAt").asText()).isNotBlank();
        assertThat(details.path("completedAt").asText()).isNotBlank();
        assertThat(status.path("conditions").path("Upgraded").path("status").asText())
                .isEqualTo("True");

        CommandRecord same =
                SiteAdmin.run(console, gatewayId, "gateway.upgrade", Map.of("kubernetesVersion", "v1.35.0"));
        assertThat(same.error().code()).isEqualTo(GatewayCommands.UPGRADE_REFUSED);
        assertThat(same.error().message()).isEqualTo("the gateway cluster runs Kubernetes v1.35.0 already");
    }

    private static List<GenericKubernetesResource> machines(KubernetesClient gateway) {
        return gateway.genericKubernetesResources(CapiKinds.MACHINES)
                .inNamespace("pcg-system")
                .list()
                .getItems();
    }

    private static int registrations(DevConsole console, String gatewayId) {
        return (int) console.events(gatewayId).stream()
                .filter(event -> event.reason().equals("Registered"))
                .count();
    }
}
