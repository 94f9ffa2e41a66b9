package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Resize" from the console: a running 1-node gateway cluster grows to 3 nodes one control-plane node at a time, on
 * the simulated site, after the pivot (the objects live in the gateway cluster). Refusals change nothing.
 */
class GatewayClusterResizeIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.uniform(Duration.ofMillis(100)));

    private String gatewayId;

    @Test
    void aOneNodeGatewayGrowsToThreeOneControlPlaneNodeAtATime() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-grow";
        gatewayId = site.runningGateway(console, name, SiteAdmin.configureRequest(VCSIM.vcsim(), 1));
        KubernetesClient gateway =
                site.tools().workloads().started().get("pcg-system/" + name).client();
        ProvisioningMachines provisioning = new ProvisioningMachines(gateway);
        int registrations = registrations(console, gatewayId);

        try (provisioning) {
            CommandRecord resized = SiteAdmin.run(console, gatewayId, "gateway.resize", Map.of("nodeCount", 3));
            assertThat(resized.status()).as(String.valueOf(resized.error())).isEqualTo(CommandState.SUCCEEDED);
            await("the resize starts")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !"Running"
                            .equals(console.gateway(gatewayId).cluster().state()));
            assertGrewToThreeNodesOneAtATime(console, gatewayId, provisioning);
        }
        assertThat(VCSIM.vcsim()
                        .govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                        .lines()
                        .toList())
                .hasSize(3);
        assertThat(resizeSteps(console, gatewayId)).isEqualTo(ONE_TO_THREE);
        assertThat(registrations(console, gatewayId))
                .as("the console link never dropped")
                .isEqualTo(registrations);
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-resize-short";
        // The VIP, the first node and one spare: one address short of a resize.
        gatewayId = site.runningGateway(
                console, name, SiteAdmin.configureRequest(VCSIM.vcsim(), 1, SiteAdmin.pool("10.0.0.22")));
        KubernetesClient gateway =
                site.tools().workloads().started().get("pcg-system/" + name).client();

        CommandRecord shortPool = SiteAdmin.run(console, gatewayId, "gateway.resize", Map.of("nodeCount", 3));
        assertThat(shortPool.status()).isEqualTo(CommandState.FAILED);
        assertThat(shortPool.error().code()).isEqualTo(GatewayCommands.RESIZE_POOL_SHORT);
        assertThat(shortPool.error().message())
                .contains("needs 2 more address(es) from IP pool gateway-nodes, which has 1 free: 1 short");

        CommandRecord toTwo = SiteAdmin.run(console, gatewayId, "gateway.resize", Map.of("nodeCount", 2));
        assertThat(toTwo.status()).isEqualTo(CommandState.FAILED);
        assertThat(toTwo.error().code()).isEqualTo(GatewayCommands.RESIZE_REFUSED);
        assertThat(toTwo.error().message()).contains("the only resize is from 1 to 3, not from 1 to 2");

        assertThat(console.gateway(gatewayId).cluster().state()).isEqualTo("Running");
        assertThat(Fields.value(
                        gateway.genericKubernetesResources(CapiKinds.CONTROL_PLANES)
                                .inNamespace("pcg-system")
                                .withName(name)
                                .get(),
                        "spec",
                        "replicas"))
                .isEqualTo(1);
        assertThat(console.events(gatewayId))
                .extracting(GatewayEvent::reason)
                .doesNotContain("ResizeStarted", "ControlPlaneScaling");
    }

    /** What the console sees of a resize from 1 to 3 nodes, in order. */
    static final List<String> ONE_TO_THREE = List.of(
            "ResizeStarted: resizing the gateway cluster from 1 to 3 nodes",
            "ControlPlaneScaling: adding control-plane node 2 of 3",
            "ControlPlaneScaling: adding control-plane node 3 of 3",
            "ResizeCompleted: the gateway cluster runs with 3 nodes");

    /** The resize's events at the console, as "reason: message". */
    static List<String> resizeSteps(DevConsole console, String gatewayId) {
        return console.events(gatewayId).stream()
                .map(event -> event.reason() + ": " + event.message())
                .filter(step -> step.startsWith("Resize") || step.startsWith("ControlPlaneScaling"))
                .toList();
    }

    /** The gateway becomes Running with 3 Ready nodes, never more than one control-plane machine provisioning. */
    static void assertGrewToThreeNodesOneAtATime(
            DevConsole console, String gatewayId, ProvisioningMachines provisioning) {
        ClusterStatusRecord running =
                SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);
        assertThat(running.nodes())
                .hasSize(3)
                .allSatisfy(node -> assertThat(node.ready()).isTrue());
        assertThat(running.nodes()).extracting(ClusterStatusRecord.Node::ip).doesNotHaveDuplicates();
        assertThat(provisioning.mostAtOnce())
                .as("control-plane machines provisioning at the same time")
                .isEqualTo(1);
    }

    static int registrations(DevConsole console, String gatewayId) {
        return (int) console.events(gatewayId).stream()
                .filter(event -> event.reason().equals("Registered"))
                .count();
    }
}
