package io.pcg.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.simulators.Clusterctl;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.WorkloadClusters;
import io.pcg.simulators.site.SimulatedSite;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.vsphere.Vcsim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issue 11's {@code tenant_clusters_managed}: how many tenant clusters (1 control-plane + 2 worker nodes, DHCP, kept
 * in the gateway's management cluster with {@code pcg.agent.tenant.pivot=false}) one gateway agent keeps reconciled
 * while the control stream's p99 stays under {@value #P99_LIMIT_MS} ms. On one simulated site (real API servers,
 * vcsim, the simulated providers with no step delay; the tenant clusters' workload clusters share one API server,
 * as nothing but the providers talks to them), the agent and the dev-console in this JVM, the tenant clusters are
 * added in steps ({@value #STEPS_PROPERTY}, default {@value #DEFAULT_STEPS}); at each step, once every cluster is
 * Running, {@value #PINGS} {@code agent.ping} commands are sent one after the other through the console while the
 * agent's tenant loop keeps passing over all of them, and their round trip's p99 is printed as
 * {@code control_stream_p99_ms_at_<N>}, after {@code tenant_clusters_running_s_at_<N>}, how long the step took to
 * have all its clusters Running. It stops at the first step over the limit, or when the clusters of a step are not
 * all Running before the budget ({@value #BUDGET_PROPERTY}, default {@value #DEFAULT_BUDGET} from the gateway cluster
 * Running) runs out; then
 * {@code tenant_clusters_managed} is the largest step that made it.
 */
public final class TenantClustersBench {

    static final String STEPS_PROPERTY = "pcg.bench.tenant.steps";
    static final String DEFAULT_STEPS = "25,50,75,100,150,200,250,300";
    static final String BUDGET_PROPERTY = "pcg.bench.tenant.budget";
    /**
     * From the gateway cluster Running (about 1.5 minutes in). The simulated providers build about 25 clusters a minute
     * on an idle 2-core machine, so reaching the 200-cluster step takes about 9 minutes of it; the whole run stays
     * under 20 minutes.
     */
    static final String DEFAULT_BUDGET = "PT15M";

    static final int P99_LIMIT_MS = 100;
    /** Round trips per step, spaced so they span more than one pass of the tenant loop (resync 10 s). */
    static final int PINGS = 300;

    private static final Duration PING_SPACING = Duration.ofMillis(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TenantClustersBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> steps = Arrays.stream(
                        System.getProperty(STEPS_PROPERTY, DEFAULT_STEPS).split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .sorted()
                .toList();
        Duration budget = Duration.parse(System.getProperty(BUDGET_PROPERTY, DEFAULT_BUDGET));
        Path work = Files.createTempDirectory("pcg-tenant-bench");
        String name = "pcg-tenants-bench";
        try (Vcsim vcsim = Vcsim.start();
                DevConsole console = DevConsole.start(work.resolve("console"), 0)) {
            SiteAdmin.createNodeTemplate(vcsim);
            GatewayService.IssuedPin issued = console.createGateway(name);
            String gatewayId = issued.gateway().id();
            try (SimulatedSite site = SimulatedSite.start(
                            new SimulatedTools(
                                    VcenterAccess.of(vcsim),
                                    Delays.none(),
                                    Faults.none(),
                                    Clusterctl.binDir().resolve("clusterctl"),
                                    WorkloadClusters.onDemandSharing(SimulatedSiteExtension.TENANT_NAMESPACES)),
                            work.resolve("site"));
                    ApplicationContext agent = new SiteAgent(
                                    name,
                                    console,
                                    issued.pin(),
                                    site,
                                    work.resolve(name),
                                    Map.of("pcg.agent.tenant.pivot", "false"))
                            .start()) {
                await("the agent registers")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
                succeeded(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(vcsim, 1)));
                SiteAdmin.awaitState(console, gatewayId, "Running", Duration.ofMinutes(5));
                long deadline = System.nanoTime() + budget.toNanos();
                System.out.println(
                        "tenant_clusters_managed: " + ramp(console, gatewayId, steps, deadline) + " clusters");
            }
        }
        System.exit(0);
    }

    /** The largest step whose clusters all run with the control stream's p99 under the limit; 0 if none. */
    private static int ramp(DevConsole console, String gatewayId, List<Integer> steps, long deadline) throws Exception {
        int managed = 0;
        int created = 0;
        for (int step : steps) {
            long started = System.nanoTime();
            // All at once: each create waits for the tenant loop's pass under way, which grows with the clusters.
            List<String> creates = new ArrayList<>();
            for (; created < step; created++) {
                creates.add(console.commands()
                        .submit(gatewayId, "cluster.create", JSON.writeValueAsString(createRequest(created)))
                        .id());
            }
            if (!allCreated(console, creates, deadline) || !allRunning(console, gatewayId, step, deadline)) {
                System.err.println(
                        "tenant clusters: not all " + step + " created and Running within the budget; stopping");
                break;
            }
            System.out.println("tenant_clusters_running_s_at_" + step + ": "
                    + AgentBench.format((System.nanoTime() - started) / 1e9) + " s");
            double p99 = AgentBench.percentile(roundTrips(console, gatewayId), 99);
            System.out.println("control_stream_p99_ms_at_" + step + ": " + AgentBench.format(p99) + " ms");
            if (p99 >= P99_LIMIT_MS) {
                break;
            }
            managed = step;
        }
        return managed;
    }

    /** Tenant cluster {@code index}: 1 + 2 nodes, DHCP, its own VIP on a /16 node network outside the DHCP range. */
    private static Map<String, Object> createRequest(int index) {
        Map<String, Object> request = SiteAdmin.tenantClusterRequest(
                String.format("t%03d", index),
                Map.of(
                        "type",
                        "dhcp",
                        "nodeNetwork",
                        "10.64.0.0/16",
                        "dhcpRange",
                        "10.64.255.1-10.64.255.254",
                        "controlPlaneVip",
                        "10.64." + (index / 250) + "." + (index % 250 + 1)));
        request.put("allowWorkerCapability", false);
        request.put("workerPools", List.of(Map.of("name", "workers", "count", 2)));
        return request;
    }

    /**
     * Waits for the step's {@code cluster.create} commands to succeed (each waits for the tenant loop's pass under way);
     * false when the budget runs out first or one is refused.
     */
    private static boolean allCreated(DevConsole console, List<String> creates, long deadline) throws Exception {
        for (String id : creates) {
            CommandResult result;
            try {
                result = console.commands()
                        .result(id)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            }
            if (result.getStatus() != CommandStatus.COMMAND_STATUS_SUCCEEDED) {
                // e.g. TENANT_BUSY: the tenant loop's pass under way outlasted the command's wait
                System.err.println("tenant clusters: cluster.create refused: " + result);
                return false;
            }
        }
        return true;
    }

    /** Waits until {@code cluster.list} shows {@code count} clusters Running; false when the budget runs out first. */
    private static boolean allRunning(DevConsole console, String gatewayId, int count, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            CommandRecord list = SiteAdmin.run(console, gatewayId, "cluster.list", Map.of());
            succeeded(list);
            int running = 0;
            for (JsonNode cluster : JSON.readTree(list.resultJson()).path("clusters")) {
                running += "RUNNING".equals(cluster.path("state").asText()) ? 1 : 0;
            }
            if (running >= count) {
                return true;
            }
            TimeUnit.SECONDS.sleep(2);
        }
        return false;
    }

    /** {@value #PINGS} {@code agent.ping}s through the console, one after the other: each from submission to result. */
    private static double[] roundTrips(DevConsole console, String gatewayId) throws Exception {
        double[] millis = new double[PINGS];
        for (int i = 0; i < PINGS; i++) {
            long started = System.nanoTime();
            String id = console.commands()
                    .submit(gatewayId, PingCommandHandler.TYPE, "{\"i\":" + i + "}")
                    .id();
            CommandResult result = console.commands().result(id).get(30, TimeUnit.SECONDS);
            long took = System.nanoTime() - started;
            if (result.getStatus() != CommandStatus.COMMAND_STATUS_SUCCEEDED) {
                throw new IllegalStateException("agent.ping failed: " + result);
            }
            millis[i] = took / 1e6;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, PING_SPACING.toNanos() - took));
        }
        return millis;
    }

    private static void succeeded(CommandRecord record) {
        if (record.status() != CommandState.SUCCEEDED) {
            throw new IllegalStateException(record.type() + " failed: " + record.error());
        }
    }
}
