package io.pcg.bench;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.site.SimulatedSite;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.vsphere.Vcsim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import static org.awaitility.Awaitility.await;

/**
 * From "Configure" sent by the console to the console showing the gateway cluster Running, pivot included, on real
 * API servers and vcsim, with the simulated providers' own delays at zero, for 1 and 3 nodes:
 * <ul>
 *   <li>{@code configure_to_running_wall_ms_*}: the wall clock;</li>
 *   <li>{@code configure_to_running_ms_*}: our overhead, the wall clock less the time the agent waited on its tools
 *       (the kube-apiserver that stands in for kind's node container, {@code clusterctl init}, the real
 *       {@code clusterctl move}) and on the gateway cluster's API server booting, which stands in for the first
 *       VM booting. Validation, rendering, applying, IPAM, watching, the pivot's own steps and the simulated
 *       providers' reactions all stay in.</li>
 * </ul>
 * One untimed 1-node run first warms the JVM.
 */
public final class GatewayClusterBench {

    private GatewayClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pcg-gateway-bench");
        try (Vcsim vcsim = Vcsim.start();
             DevConsole console = DevConsole.start(work.resolve("console"), 0);
             SimulatedSite site = SimulatedSite.start(new SimulatedTools(VcenterAccess.of(vcsim), Delays.none(), Faults.none(),
                     Path.of(Objects.requireNonNull(System.getProperty("pcg.clusterctl.bin"), "-Dpcg.clusterctl.bin"), "clusterctl")),
                     work.resolve("site"))) {
            SiteAdmin.createNodeTemplate(vcsim);
            configureToRunning(console, site, vcsim, work, "pcg-warmup", 1);
            for (int nodes : new int[] {1, 3}) {
                Measured measured = configureToRunning(console, site, vcsim, work, "pcg-bench-" + nodes, nodes);
                String suffix = nodes == 1 ? "1_node" : nodes + "_nodes";
                System.out.println("configure_to_running_ms_" + suffix + ": " + measured.overhead().toMillis() + " ms");
                System.out.println("configure_to_running_wall_ms_" + suffix + ": " + measured.wall().toMillis() + " ms");
            }
        }
        System.exit(0);
    }

    private record Measured(Duration wall, Duration overhead) {
    }

    private static Measured configureToRunning(DevConsole console, SimulatedSite site, Vcsim vcsim, Path work, String name, int nodes)
            throws Exception {
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        try (ApplicationContext agent = new SiteAgent(name, console, issued.pin(), site, work.resolve(name), Map.of()).start()) {
            await("the agent registers").atMost(Duration.ofSeconds(60))
                    .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
            Duration toolsBefore = site.tools().timeInTools();
            Duration serversBefore = site.tools().workloads().timeStartingServers();
            long started = System.nanoTime();
            if (SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(vcsim, nodes)).status() != CommandState.SUCCEEDED) {
                throw new IllegalStateException("gateway.configure failed for " + name);
            }
            SiteAdmin.awaitState(console, gatewayId, "Running", Duration.ofMinutes(5));
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            Duration waited = site.tools().timeInTools().minus(toolsBefore)
                    .plus(site.tools().workloads().timeStartingServers().minus(serversBefore));
            return new Measured(wall, wall.minus(waited));
        }
    }
}
