package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent follows its gateway cluster by watching, not by its resync: with the resync set to an hour, far past
 * this test's deadlines, a static-IP gateway (the VIP claim answered by IPAM, the objects, the pivot) reaches Running
 * and then grows from 1 to 3 nodes. A step that waited for the next resync instead of a watched change would hold
 * the gateway for an hour (issues 10 and 11: our overhead from Configure to Running and for the resize).
 */
class GatewayClusterWatchIT {

    private static final Duration NO_RESYNC = Duration.ofHours(1);

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.none());

    @Test
    void provisioningAndResizeFollowWatchedChangesNotTheResync() throws Exception {
        DevConsole console = CONSOLE.console();
        String gatewayId = site.runningGateway(
                console,
                "pcg-watch",
                SiteAdmin.configureRequest(VCSIM.vcsim(), 1),
                Map.of("pcg.agent.cluster.resync", NO_RESYNC.toSeconds() + "s"));

        CommandRecord resized = SiteAdmin.run(console, gatewayId, "gateway.resize", Map.of("nodeCount", 3));
        assertThat(resized.status()).as(String.valueOf(resized.error())).isEqualTo(CommandState.SUCCEEDED);
        await("the resize starts")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        !"Running".equals(console.gateway(gatewayId).cluster().state()));
        ClusterStatusRecord running =
                SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);
        assertThat(running.nodes())
                .hasSize(3)
                .allSatisfy(node -> assertThat(node.ready()).isTrue());
    }
}
