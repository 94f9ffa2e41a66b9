package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.leader.LeaderElectionSettings;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.agent.state.StateSettings;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's replicas in the gateway cluster, as processes: the installer VM's agent provisions a 1-node gateway,
 * pivots, moves its state into the gateway cluster and leads there; two replicas started as the Deployment's pods
 * start (identity from its Secret, state in the cluster) stand by. The leader is killed with SIGKILL in the middle of a
 * resize to 3 nodes: a replica takes the lease over once it expires, links to the console as the same gateway and
 * finishes the resize from the record the leader left, once, one control-plane node at a time.
 */
class GatewayLeaderTakeoverIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    /** Short leases, so the takeover happens in seconds (production: 15 s / 10 s / 2 s). */
    private static final Map<String, Object> ELECTION = Map.of(
            "pcg.agent.leader-election.enabled", "true",
            "pcg.agent.leader-election.lease-duration", "4s",
            "pcg.agent.leader-election.renew-deadline", "3s",
            "pcg.agent.leader-election.retry-period", "500ms");

    private static final String NAMESPACE = "pcg-system";

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.uniform(Duration.ofMillis(100)));

    private final List<Process> processes = new ArrayList<>();
    private final List<SiteAgent> agents = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (SiteAgent agent : agents) {
            // The processes' logs go with the temporary folder: the test report keeps them.
            System.out.println("=== " + agent.work().getFileName() + "\n" + agent.processLogs());
        }
    }

    @Test
    void theLeaderKilledDuringAResizeHandsOverAndTheResizeCompletesOnce() throws Exception {
        Vcsim vcsim = VCSIM.vcsim();
        DevConsole console = CONSOLE.console();
        String name = "pcg-takeover";
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        String classpath = System.getProperty("java.class.path");

        SiteAgent installer = site.agent(console, name, issued.pin(), ELECTION);
        Process leader = start(installer, classpath);
        await("the installer's agent pairs and registers")
                .atMost(Duration.ofSeconds(90))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
        CommandRecord configured =
                SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(vcsim, 1));
        assertThat(configured.status()).as(String.valueOf(configured.error())).isEqualTo(CommandState.SUCCEEDED);
        SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);

        KubeApiServer gatewayCluster = site.tools().workloads().started().get(NAMESPACE + "/" + name);
        KubernetesClient gateway = gatewayCluster.client();
        String installerIdentity = installer.work().getFileName().toString();
        await("the installer's agent leads in the gateway cluster")
                .atMost(Duration.ofSeconds(30))
                .until(() -> installerIdentity.equals(holder(gateway)));
        Secret state = gateway.secrets()
                .inNamespace(NAMESPACE)
                .withName(StateSettings.DEFAULT_SECRET)
                .get();
        assertThat(state.getData()).as("the state moved at the pivot").containsKey(GatewayStore.FILE);
        assertThat(installer.stateDir().resolve(GatewayStore.FILE)).doesNotExist();

        List<String> replicas = List.of(name + "-replica-a", name + "-replica-b");
        for (String replica : replicas) {
            SiteAgent pod = replica(console, name, issued.pin(), replica, gateway, gatewayCluster.kubeconfig());
            start(pod, classpath);
            await(replica + " stands by")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> pod.processLogs().contains("is held by " + installerIdentity));
        }
        int registrations = GatewayClusterResizeIT.registrations(console, gatewayId);

        try (ProvisioningMachines provisioning = new ProvisioningMachines(gateway)) {
            CommandRecord resized = SiteAdmin.run(console, gatewayId, "gateway.resize", Map.of("nodeCount", 3));
            assertThat(resized.status()).as(String.valueOf(resized.error())).isEqualTo(CommandState.SUCCEEDED);
            await("the leader adds the second control-plane node")
                    .atMost(SimulatedSiteExtension.PROVISIONING)
                    .until(() -> GatewayClusterResizeIT.resizeSteps(console, gatewayId)
                            .contains("ControlPlaneScaling: adding control-plane node 2 of 3"));
            leader.destroyForcibly();
            assertThat(leader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(leader.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

            String next = await("a replica takes the lease over")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> holder(gateway), holder -> replicas.contains(holder));
            GatewayClusterResizeIT.assertGrewToThreeNodesOneAtATime(console, gatewayId, provisioning);
            assertThat(holder(gateway)).as("the lease stayed with " + next).isEqualTo(next);
        }
        assertThat(GatewayClusterResizeIT.resizeSteps(console, gatewayId))
                .as("the resize, once, in order, across the takeover")
                .isEqualTo(GatewayClusterResizeIT.ONE_TO_THREE);
        assertThat(vcsim.govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                        .lines()
                        .filter(line -> !line.isBlank())
                        .toList())
                .as("one VM per node")
                .hasSize(3);
        assertThat(console.gateway(gatewayId).state().name()).isEqualTo("ONLINE");
        assertThat(GatewayClusterResizeIT.registrations(console, gatewayId))
                .as("the new leader linked to the console as the same gateway")
                .isGreaterThan(registrations);
        for (SiteAgent agent : agents) {
            assertThat(agent.processLogs()).doesNotContain(Vcsim.PASSWORD).doesNotContain(issued.pin());
        }
    }

    /**
     * A replica as the Deployment runs it: the console identity from the Secret the pivot wrote (the pod mounts it as
     * its identity folder), the state in the cluster, the gateway cluster as its management cluster (in a pod: its
     * service account).
     */
    private SiteAgent replica(
            DevConsole console,
            String name,
            String pin,
            String replica,
            KubernetesClient gateway,
            Path gatewayKubeconfig)
            throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>(ELECTION);
        properties.put("pcg.agent.state.in-cluster", "true");
        properties.put("pcg.agent.kube.kubeconfig", gatewayKubeconfig.toString());
        SiteAgent pod =
                new SiteAgent(name, console, pin, site.site(), site.work().resolve(replica), properties);
        Path identity = pod.stateDir().resolve("identity");
        Files.createDirectories(identity);
        Secret secret = gateway.secrets()
                .inNamespace(NAMESPACE)
                .withName(AgentDeployment.IDENTITY_SECRET)
                .get();
        for (Map.Entry<String, String> file : secret.getData().entrySet()) {
            Files.write(identity.resolve(file.getKey()), Base64.getDecoder().decode(file.getValue()));
        }
        return pod;
    }

    private Process start(SiteAgent agent, String classpath) throws Exception {
        agents.add(agent);
        Process process = agent.startProcess(classpath, LocalPorts.free());
        processes.add(process);
        return process;
    }

    private static String holder(KubernetesClient gateway) {
        Lease lease = gateway.resources(Lease.class)
                .inNamespace(NAMESPACE)
                .withName(LeaderElectionSettings.DEFAULT_LEASE)
                .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}
