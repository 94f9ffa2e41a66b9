package io.pcg.agent.simulation;

import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Clusterctl;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.WorkloadClusters;
import io.pcg.simulators.site.SimulatedSite;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh simulated site for each test, on the test class's vcsim (with the node template), and the gateway agents a
 * test starts on it, all taken down after the test:
 *
 * <pre>{@code
 * @RegisterExtension static final VcsimExtension VCSIM = new VcsimExtension();
 * @RegisterExtension final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.none());
 * }</pre>
 */
public final class SimulatedSiteExtension implements BeforeEachCallback, AfterEachCallback {

    /** How long a gateway cluster may take to reach Running on the simulated site. */
    public static final Duration PROVISIONING = Duration.ofMinutes(4);
    /** vcsim servers that have the node template already. */
    private static final Set<String> TEMPLATES = ConcurrentHashMap.newKeySet();

    /**
     * The namespaces of tenant clusters ({@code pcg-tenant-<name>}). Kept in the management cluster
     * ({@code pcg.agent.tenant.pivot=false}), nothing but the simulated providers talks to their API servers, so they
     * may share one ({@link WorkloadClusters#onDemandSharing}).
     */
    public static final Predicate<String> TENANT_NAMESPACES = namespace -> namespace.startsWith("pcg-tenant-");

    private final VcsimExtension vcsim;
    private final Delays delays;
    private final Predicate<String> sharedWorkloads;
    private final List<ApplicationContext> agents = new ArrayList<>();
    private Path work;
    private SimulatedSite site;
    private SimulatedTenantAgents tenantAgents;

    public SimulatedSiteExtension(VcsimExtension vcsim, Delays delays) {
        this(vcsim, delays, namespace -> false);
    }

    /** @param sharedWorkloads the namespaces whose workload clusters share one API server, e.g. {@link #TENANT_NAMESPACES} */
    public SimulatedSiteExtension(VcsimExtension vcsim, Delays delays, Predicate<String> sharedWorkloads) {
        this.vcsim = vcsim;
        this.delays = delays;
        this.sharedWorkloads = sharedWorkloads;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (TEMPLATES.add(vcsim.vcsim().server())) {
            SiteAdmin.createNodeTemplate(vcsim.vcsim());
        }
        work = Files.createTempDirectory("pcg-site");
        site = SimulatedSite.start(
                new SimulatedTools(
                        VcenterAccess.of(vcsim.vcsim()),
                        delays,
                        Faults.none(),
                        Clusterctl.binDir().resolve("clusterctl"),
                        WorkloadClusters.onDemandSharing(sharedWorkloads)),
                work.resolve("site"));
        tenantAgents = SimulatedTenantAgents.start(site.tools().workloads(), Duration.ofMillis(500));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        agents.forEach(ApplicationContext::close);
        agents.clear();
        tenantAgents.close();
        site.close();
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    public SimulatedSite site() {
        return site;
    }

    public SimulatedTools tools() {
        return site.tools();
    }

    /** The simulated agents inside the site's pivoted tenant clusters. */
    public SimulatedTenantAgents tenantAgents() {
        return tenantAgents;
    }

    /** This test's folder: the site's, and each agent's under its gateway name. */
    public Path work() {
        return work;
    }

    /** A gateway agent for {@code name} in this JVM, on this site, closed after the test; resync every second. */
    public SiteAgent agent(DevConsole console, String name, String pin, Map<String, Object> extraProperties) {
        Map<String, Object> properties = new LinkedHashMap<>(Map.of("pcg.agent.cluster.resync", "1s"));
        properties.putAll(extraProperties);
        return new SiteAgent(name, console, pin, site, work.resolve(name), properties);
    }

    /** Starts {@code agent}; it is closed after the test. */
    public ApplicationContext start(SiteAgent agent) throws IOException {
        ApplicationContext started = agent.start();
        agents.add(started);
        return started;
    }

    /**
     * A gateway {@code name} whose agent paired, registered and brought the gateway cluster to Running with
     * {@code configure}.
     *
     * @return the console's id of the gateway
     */
    public String runningGateway(DevConsole console, String name, Map<String, Object> configure) throws IOException {
        return runningGateway(console, name, configure, Map.of());
    }

    /** {@link #runningGateway(DevConsole, String, Map)} with an agent given more properties (see {@link #agent}). */
    public String runningGateway(
            DevConsole console, String name, Map<String, Object> configure, Map<String, Object> agentProperties)
            throws IOException {
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        start(agent(console, name, issued.pin(), agentProperties));
        await("the agent pairs and registers")
                .atMost(Duration.ofSeconds(60))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
        CommandRecord configured = SiteAdmin.run(console, gatewayId, "gateway.configure", configure);
        if (configured.status() != CommandState.SUCCEEDED) {
            throw new AssertionError("gateway.configure failed: " + configured.error());
        }
        SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);
        return gatewayId;
    }
}
