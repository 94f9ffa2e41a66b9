package io.pcg.bench;

import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Clusterctl;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * From "Configure" sent by the console to the console showing the gateway cluster Running, pivot included, on real
 * API servers and vcsim, with the simulated providers' own delays at zero, for 1 and 3 nodes:
 * <ul>
 *   <li>{@code configure_to_running_wall_ms_*}: the wall clock;</li>
 *   <li>{@code configure_to_running_ms_*}: our overhead, the wall clock less the time spent waiting on stand-ins
 *       for infrastructure: the agent's tools (the kube-apiserver that stands in for kind's node container,
 *       {@code clusterctl init}, the real {@code clusterctl move}), the gateway cluster's API server booting (the
 *       first VM booting), and vCenter (vcsim) cloning, configuring and powering on each node's VM, which a real
 *       vCenter takes minutes for. One clock counts them, so waits that overlap count once
 *       ({@link io.pcg.simulators.timing.InfrastructureTime}). Validation, rendering, applying, IPAM, watching, the
 *       pivot's own steps, the simulated providers' reactions and their vCenter lookups all stay in, and so does the
 *       start of the site's {@code kind}/{@code clusterctl} wrapper scripts (bash, curl), since the site times a
 *       command from its request to its answer.</li>
 * </ul>
 * and {@code resize_1_to_3_ms} / {@code resize_1_to_3_wall_ms}: the 1-node gateway grown to 3 nodes, from the
 * console's "Resize" to Running again, measured the same way. One untimed 1-node run first warms the JVM; then each
 * case runs {@code pcg.bench.gateway.runs} times (default 3, the cases interleaved) and the medians are printed,
 * with the largest overhead as {@code <name>_max}: on a shared 2-core machine one run swings by a second or two.
 */
public final class GatewayClusterBench {

    /** Runs of each case; the median is the figure, the slowest is printed beside it. */
    private static final int RUNS = Integer.getInteger("pcg.bench.gateway.runs", 3);

    private GatewayClusterBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pcg-gateway-bench");
        try (Vcsim vcsim = Vcsim.start();
                DevConsole console = DevConsole.start(work.resolve("console"), 0)) {
            SiteAdmin.createNodeTemplate(vcsim);
            run(console, vcsim, work, "pcg-warmup", 1, false);
            List<Measured> oneNode = new ArrayList<>();
            List<Measured> resized = new ArrayList<>();
            List<Measured> threeNodes = new ArrayList<>();
            // Interleaved, so that whatever else loads the machine weighs on both cases alike.
            for (int run = 1; run <= RUNS; run++) {
                Runs measured = run(console, vcsim, work, "pcg-bench-1-" + run, 1, true);
                oneNode.add(measured.configured());
                resized.add(measured.resized());
                threeNodes.add(run(console, vcsim, work, "pcg-bench-3-" + run, 3, false)
                        .configured());
            }
            print("configure_to_running_ms_1_node", "configure_to_running_wall_ms_1_node", oneNode);
            print("resize_1_to_3_ms", "resize_1_to_3_wall_ms", resized);
            print("configure_to_running_ms_3_nodes", "configure_to_running_wall_ms_3_nodes", threeNodes);
        }
        System.exit(0);
    }

    /** The median of the runs' overheads and of their wall clocks, and the largest overhead as {@code <name>_max}. */
    private static void print(String overheadName, String wallName, List<Measured> runs) {
        List<Duration> overheads =
                runs.stream().map(Measured::overhead).sorted().toList();
        List<Duration> walls = runs.stream().map(Measured::wall).sorted().toList();
        System.out.println(
                overheadName + ": " + overheads.get(overheads.size() / 2).toMillis() + " ms");
        System.out.println(
                overheadName + "_max: " + overheads.get(overheads.size() - 1).toMillis() + " ms");
        System.out.println(wallName + ": " + walls.get(walls.size() / 2).toMillis() + " ms");
    }

    /** What one configured gateway measured: its configure, and its resize if asked (else null). */
    private record Runs(Measured configured, Measured resized) {}

    /**
     * Configures a gateway of {@code nodes} nodes on a fresh simulated site and resizes it to 3 if asked.
     */
    private static Runs run(DevConsole console, Vcsim vcsim, Path work, String name, int nodes, boolean resize)
            throws Exception {
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        // A site of its own: the clusters of the runs before do not keep the CPU busy during this one.
        try (SimulatedSite site = SimulatedSite.start(
                        new SimulatedTools(
                                VcenterAccess.of(vcsim),
                                Delays.none(),
                                Faults.none(),
                                Clusterctl.binDir().resolve("clusterctl")),
                        work.resolve(name + "-site"));
                ApplicationContext agent =
                        new SiteAgent(name, console, issued.pin(), site, work.resolve(name), Map.of()).start()) {
            await("the agent registers")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
            Measured configured = untilRunning(
                    console, site, gatewayId, "gateway.configure", SiteAdmin.configureRequest(vcsim, nodes));
            Measured resized =
                    resize ? untilRunning(console, site, gatewayId, "gateway.resize", Map.of("nodeCount", 3)) : null;
            return new Runs(configured, resized);
        }
    }

    /** The wall clock, and that less the time spent waiting on stand-ins for infrastructure. */
    private record Measured(Duration wall, Duration overhead) {}

    /** Sends the command and waits until the console shows the gateway cluster Running after it. */
    private static Measured untilRunning(
            DevConsole console, SimulatedSite site, String gatewayId, String type, Object payload) {
        Duration waitedBefore = site.tools().infrastructureTime().total();
        long started = System.nanoTime();
        CommandRecord sent = SiteAdmin.run(console, gatewayId, type, payload);
        if (sent.status() != CommandState.SUCCEEDED) {
            throw new IllegalStateException(type + " failed: " + sent.error());
        }
        // A resize starts from Running: the console hears of the change after the command's result.
        await("the gateway cluster leaves Running")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(5))
                .until(
                        () -> console.gateway(gatewayId).cluster(),
                        cluster -> cluster != null && !"Running".equals(cluster.state()));
        SiteAdmin.awaitState(console, gatewayId, "Running", Duration.ofMinutes(5));
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        Duration waited = site.tools().infrastructureTime().total().minus(waitedBefore);
        return new Measured(wall, wall.minus(waited));
    }
}
