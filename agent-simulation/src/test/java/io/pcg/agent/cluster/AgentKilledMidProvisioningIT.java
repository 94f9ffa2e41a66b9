package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.ipam.IpamApi;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent as its own process, killed with SIGKILL in the middle of provisioning a 3-node gateway cluster: after the
 * first node's VM was cloned with its address, and before the next node's address claim was answered. The site (kind
 * cluster, Cluster API providers, vCenter) lives on, as it does on the appliance. The restarted agent finds its state,
 * answers the waiting claim and brings the gateway to Running, with one VM per node and one address per claim.
 */
class AgentKilledMidProvisioningIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    private static final Duration PROVISIONING = SimulatedSiteExtension.PROVISIONING;

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.none());

    private final List<Process> agents = new ArrayList<>();
    private SiteAgent agent;

    @AfterEach
    void stop() throws Exception {
        for (Process process : agents) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (agent != null) {
            // The agent processes' logs go with the temporary folder: the test report keeps them.
            System.out.println(agent.processLogs());
        }
    }

    @Test
    void resumesWithOneVmPerNodeAndOneAddressPerClaim() throws Exception {
        Vcsim vcsim = VCSIM.vcsim();
        SimulatedTools tools = site.tools();
        DevConsole console = CONSOLE.console();
        String name = "pcg-restart";
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        agent = site.agent(console, name, issued.pin(), Map.of());
        String classpath = System.getProperty("java.class.path");

        // No node becomes Ready for now, so provisioning stops after the first VM: KCP adds the next only then.
        Faults.Fault nodesHeld = tools.faults().neverReady(machine -> true);
        Process first = start(agent, classpath);
        await("the agent pairs and registers")
                .atMost(Duration.ofSeconds(90))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
        assertThat(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(vcsim, 3))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);

        await("the first node's VM is cloned with its address")
                .atMost(PROVISIONING)
                .until(() -> gatewayVms(vcsim, name).size() == 1
                        && boundClaims(tools) == claims(tools).size()
                        && !claims(tools).isEmpty());
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        // With the agent gone, the first node comes up and KCP asks for the second node's address: nobody answers yet.
        int boundBeforeRestart = boundClaims(tools);
        nodesHeld.clear();
        await("the second node's claim waits for the agent")
                .atMost(PROVISIONING)
                .until(() -> claims(tools).size() > boundBeforeRestart);
        assertThat(boundClaims(tools)).isEqualTo(boundBeforeRestart);

        start(agent, classpath);
        ClusterStatusRecord running = SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);

        assertThat(running.nodes())
                .hasSize(3)
                .allSatisfy(node -> assertThat(node.ready()).isTrue());
        assertThat(running.nodes().stream().map(ClusterStatusRecord.Node::ip).collect(Collectors.toSet()))
                .hasSize(3);
        assertThat(gatewayVms(vcsim, name)).as("one VM per node").hasSize(3);
        KubernetesClient gateway =
                tools.workloads().started().get("pcg-system/" + name).client();
        List<GenericKubernetesResource> claims = gateway.genericKubernetesResources(IpAddressClaims.CLAIMS)
                .inNamespace("pcg-system")
                .list()
                .getItems();
        List<GenericKubernetesResource> addresses = gateway.genericKubernetesResources(IpamApi.ADDRESSES)
                .inNamespace("pcg-system")
                .list()
                .getItems();
        assertThat(addresses).as("one address per claim, none leaked").hasSameSizeAs(claims);
        assertThat(addresses.stream()
                        .map(address -> Fields.text(address, "spec", "address"))
                        .collect(Collectors.toSet()))
                .as("no address handed out twice")
                .hasSize(addresses.size());
        Set<String> claimNames =
                claims.stream().map(claim -> claim.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(addresses)
                .allSatisfy(
                        address -> assertThat(claimNames).contains(Fields.text(address, "spec", "claimRef", "name")));
        assertThat(agent.processLogs())
                .isNotEmpty()
                .doesNotContain(Vcsim.PASSWORD)
                .doesNotContain(issued.pin());
    }

    private Process start(SiteAgent agent, String classpath) throws Exception {
        Process process = agent.startProcess(classpath, LocalPorts.free());
        agents.add(process);
        return process;
    }

    /** The gateway's VMs in vcsim (its node template excluded). */
    private static List<String> gatewayVms(Vcsim vcsim, String name) throws Exception {
        return vcsim.govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
    }

    /** The node address claims in the kind cluster, where provisioning runs until the pivot. */
    private static List<GenericKubernetesResource> claims(SimulatedTools tools) {
        KubeApiServer kind = tools.kindClusters().values().stream().findFirst().orElse(null);
        return kind == null
                ? List.of()
                : kind.client()
                        .genericKubernetesResources(IpAddressClaims.CLAIMS)
                        .inNamespace("pcg-system")
                        .list()
                        .getItems();
    }

    private static int boundClaims(SimulatedTools tools) {
        return (int) claims(tools).stream()
                .filter(claim -> Fields.text(claim, "status", "addressRef", "name") != null)
                .count();
    }
}
