package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway cluster end to end, as the admin meets it: pair, "Configure" from the console, Running. The agent runs
 * its real bootstrap code against the simulated site's kind and clusterctl init (real kube-apiservers, simulated
 * Cluster API providers that clone real VMs in vcsim), its real IPAM answers the node claims, and the real clusterctl
 * moves the objects into the gateway cluster.
 */
class GatewayClusterProvisioningIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROVISIONING = SimulatedSiteExtension.PROVISIONING;
    private static final String PROXY_PASSWORD = "Pr0xy-S3cret-e2e";

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.none());

    private SimulatedTools tools;
    private SiteAgent appliance;
    private ApplicationContext agent;
    private LogCapture logs;
    private String gatewayId;

    @BeforeEach
    void capture() {
        tools = site.tools();
        logs = LogCapture.capture();
    }

    /** Whatever a test did, the vCenter and proxy passwords never reached a log line or an event. */
    @AfterEach
    void stop() {
        logs.close();
        assertThat(logs.all()).isNotEmpty().doesNotContain(Vcsim.PASSWORD).doesNotContain(PROXY_PASSWORD);
        if (gatewayId != null) {
            assertThat(CONSOLE.console().events(gatewayId).toString())
                    .doesNotContain(Vcsim.PASSWORD)
                    .doesNotContain(PROXY_PASSWORD);
        }
    }

    @Test
    void oneNodeWithStaticAddressesReachesRunningInsideItsOwnCluster() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-e2e";
        pair(console, name, Map.of());

        CommandRecord configured = run(console, gatewayId, "gateway.configure", configure(1));
        assertThat(configured.status()).as(String.valueOf(configured.error())).isEqualTo(CommandState.SUCCEEDED);

        ClusterStatusRecord running = SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);
        assertThat(running.managementCluster()).isEqualTo("gateway");
        assertThat(running.nodes()).singleElement().satisfies(node -> {
            assertThat(node.ready()).isTrue();
            assertThat(node.ip()).isEqualTo(SiteAdmin.FIRST_NODE_ADDRESS);
        });

        // The VM is in vcsim, carrying its address; the objects live in the gateway cluster, the kind cluster is gone.
        String vm = running.nodes().get(0).name();
        assertThat(VCSIM.vcsim().govc("vm.info", "-e", vm)).contains("guestinfo.metadata");
        KubeApiServer gatewayCluster = tools.workloads().started().get("pcg-system/" + name);
        KubernetesClient gateway = gatewayCluster.client();
        assertThat(gateway.genericKubernetesResources(CapiKinds.CLUSTERS)
                        .inNamespace("pcg-system")
                        .withName(name)
                        .get())
                .isNotNull();
        assertThat(gateway.apps()
                        .deployments()
                        .inNamespace("pcg-system")
                        .withName(AgentDeployment.NAME)
                        .get())
                .isNotNull();
        assertThat(tools.kindClusters()).isEmpty();

        // IPAM followed the objects: it answers claims on the gateway cluster now.
        IpAddressClaims.create(gateway, "pcg-system", "after-pivot", "gateway-nodes", name, Map.of());
        await("a claim on the gateway cluster is answered")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Fields.text(
                                gateway.genericKubernetesResources(IpAddressClaims.CLAIMS)
                                        .inNamespace("pcg-system")
                                        .withName("after-pivot")
                                        .get(),
                                "status",
                                "addressRef",
                                "name")
                        != null);

        // The milestones reached the console as events, in order.
        List<String> milestones = console.events(gatewayId).stream()
                .map(GatewayEvent::reason)
                .filter(reason -> List.of(
                                "ManagementClusterReady",
                                "ClusterApiInstalled",
                                "NodeAddressesAllocated",
                                "InfrastructureCreated",
                                "ControlPlaneNodeAdded",
                                "ClusterManagementMoved",
                                "ControlPlaneReady",
                                "GatewayRunning")
                        .contains(reason))
                .distinct()
                .toList();
        assertThat(milestones)
                .containsSubsequence(
                        "ManagementClusterReady", "ClusterApiInstalled", "ClusterManagementMoved", "GatewayRunning");

        // Cluster API relaunches the node after a failed health check: the console is told why, and the agent keeps it.
        var machines = gateway.genericKubernetesResources(CapiKinds.MACHINES).inNamespace("pcg-system");
        var machine = machines.list().getItems().get(0);
        String failedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        machines.withName(machine.getMetadata().getName())
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.JSON),
                        JSON.writeValueAsString(List.of(
                                Map.of(
                                        "op",
                                        "add",
                                        "path",
                                        "/status/conditions/-",
                                        "value",
                                        Map.of(
                                                "type",
                                                "HealthCheckSucceeded",
                                                "status",
                                                "False",
                                                "reason",
                                                "UnhealthyNode",
                                                "lastTransitionTime",
                                                failedAt,
                                                "message",
                                                "Health check failed:\n  * Condition Ready on Node is reporting status Unknown for more than 10m0s")),
                                Map.of(
                                        "op",
                                        "add",
                                        "path",
                                        "/status/conditions/-",
                                        "value",
                                        Map.of(
                                                "type",
                                                "OwnerRemediated",
                                                "status",
                                                "False",
                                                "reason",
                                                "WaitingForRemediation",
                                                "lastTransitionTime",
                                                failedAt,
                                                "message",
                                                "Waiting for remediation")))));
        GatewayEvent remediated = await("the relaunch reaches the console")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> console.events(gatewayId).stream()
                                .filter(e -> e.reason().equals("NodeRemediated"))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(remediated.object())
                .isEqualTo("machine/" + machine.getMetadata().getName());
        assertThat(remediated.message())
                .contains("UnhealthyNode", "Condition Ready on Node is reporting status Unknown");
        assertThat(run(console, gatewayId, "gateway.status", Map.of()).resultJson())
                .contains(
                        "\"lastRemediation\"",
                        "UnhealthyNode",
                        machine.getMetadata().getName());

        // Reset takes everything down and the gateway can be configured again.
        gateway.genericKubernetesResources(IpAddressClaims.CLAIMS)
                .inNamespace("pcg-system")
                .withName("after-pivot")
                .delete();
        assertThat(run(console, gatewayId, "gateway.reset", Map.of()).status()).isEqualTo(CommandState.SUCCEEDED);
        SiteAdmin.awaitState(console, gatewayId, "Pending", PROVISIONING);
        // The objects went back into a fresh bootstrap cluster and were deleted there; both clusters are gone.
        assertThat(VCSIM.vcsim().govc("find", "/DC0/vm", "-type", "m", "-name", vm))
                .isBlank();
        assertThat(tools.workloads().started()).isEmpty();
        assertThat(tools.kindClusters()).isEmpty();
        assertThat(tools.commands())
                .anySatisfy(command -> assertThat(command)
                        .containsSequence(
                                "move",
                                "--kubeconfig",
                                appliance
                                        .stateDir()
                                        .resolve(GatewayClusterController.GATEWAY_KUBECONFIG)
                                        .toString()));
    }

    /** Behind a proxy with DHCP: every node's KubeadmConfig carries the proxy drop-ins and the computed NO_PROXY. */
    @Test
    void threeNodesWithDhcpBehindAProxyReachRunning() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-dhcp";
        pair(
                console,
                name,
                Map.of(
                        SiteProxyForTests.PROPERTY,
                        "http://pcg:" + PROXY_PASSWORD + "@proxy.corp.example:3128",
                        "pcg.test.site-no-proxy",
                        ".corp.example"));

        Map<String, Object> request = new LinkedHashMap<>(configure(3));
        request.put(
                "ipAllocation",
                Map.of(
                        "type",
                        "dhcp",
                        "nodeNetwork",
                        "10.20.0.0/24",
                        "dhcpRange",
                        "10.20.0.100-10.20.0.200",
                        "controlPlaneVip",
                        "10.20.0.10"));
        assertThat(run(console, gatewayId, "gateway.configure", request).status())
                .isEqualTo(CommandState.SUCCEEDED);

        ClusterStatusRecord running = SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);
        assertThat(running.nodes())
                .hasSize(3)
                .allSatisfy(node -> assertThat(node.ready()).isTrue());
        assertThat(running.managementCluster()).isEqualTo("gateway");

        KubernetesClient gateway =
                tools.workloads().started().get("pcg-system/" + name).client();
        var configs = gateway.genericKubernetesResources(
                        new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                                .withGroup("bootstrap.cluster.x-k8s.io")
                                .withVersion("v1beta2")
                                .withKind("KubeadmConfig")
                                .withPlural("kubeadmconfigs")
                                .withNamespaced(true)
                                .build())
                .inNamespace("pcg-system")
                .list()
                .getItems();
        assertThat(configs).hasSize(3).allSatisfy(config -> {
            assertThat(Fields.list(config, "spec", "files"))
                    .extracting(file -> file.get("path"))
                    .contains(
                            "/etc/systemd/system/containerd.service.d/http-proxy.conf",
                            "/etc/systemd/system/kubelet.service.d/http-proxy.conf");
            assertThat(JSON.writeValueAsString(config.getAdditionalProperties()))
                    .doesNotContain(PROXY_PASSWORD);
        });
        String environment = new String(
                java.util.Base64.getDecoder()
                        .decode(gateway.secrets()
                                .inNamespace("pcg-system")
                                .withName(name + "-proxy")
                                .get()
                                .getData()
                                .get("environment")),
                java.nio.charset.StandardCharsets.UTF_8);
        String noProxy = environment
                .lines()
                .filter(line -> line.startsWith("NO_PROXY="))
                .findFirst()
                .orElseThrow();
        assertThat(noProxy)
                .contains(".corp.example", "127.0.0.1", "10.20.0.10", "10.20.0.0/24", "192.168.0.0/16", "10.96.0.0/12");
    }

    /**
     * The pivot interrupted at each of its steps (Cluster API into the gateway cluster, the move itself) fails the
     * milestone with the tool's message and completes on the retry, with one VM.
     */
    @Test
    void aPivotInterruptedAtEachStepCompletesOnARerun() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-retry";
        pair(console, name, Map.of());
        tools.failOnce(
                "clusterctl init --kubeconfig "
                        + appliance.stateDir().resolve(GatewayClusterController.GATEWAY_KUBECONFIG),
                "Error: failed to connect to the management cluster: connection reset by peer");
        tools.failOnce(
                "clusterctl move",
                "Error: action failed after 10 attempts: failed to create Machine: connection refused");

        assertThat(run(console, gatewayId, "gateway.configure", configure(1)).status())
                .isEqualTo(CommandState.SUCCEEDED);
        ClusterStatusRecord running = SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);

        assertThat(running.managementCluster()).isEqualTo("gateway");
        assertThat(console.events(gatewayId))
                .extracting(GatewayEvent::message)
                .anySatisfy(message -> assertThat(message).contains("connection reset by peer"))
                .anySatisfy(message -> assertThat(message).contains("failed to create Machine"));
        assertThat(tools.commands())
                .filteredOn(command -> command.contains("move"))
                .hasSize(2);
        assertThat(VCSIM.vcsim()
                        .govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                        .lines()
                        .toList())
                .hasSize(1);
    }

    /** A pool too small for the node shows as a failed milestone with IPAM's message, and recovers when it grows. */
    @Test
    void anExhaustedPoolFailsTheAddressMilestoneUntilThePoolGrows() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-small";
        pair(console, name, Map.of());

        Map<String, Object> request = new LinkedHashMap<>(configure(1));
        Map<String, Object> pool = SiteAdmin.pool("10.0.0.50", "10.0.0.50");
        request.put("ipAllocation", Map.of("type", "static", "pool", pool));
        assertThat(run(console, gatewayId, "gateway.configure", request).status())
                .isEqualTo(CommandState.SUCCEEDED);

        ClusterStatusRecord failed = SiteAdmin.awaitState(console, gatewayId, "Failed", PROVISIONING);
        assertThat(failed.conditions()).anySatisfy(condition -> {
            assertThat(condition.type()).isEqualTo("NodeAddressesAllocated");
            assertThat(condition.status()).isEqualTo("False");
            assertThat(condition.message()).contains("has no free address");
        });

        Map<String, Object> grown = SiteAdmin.pool("10.0.0.50", "10.0.0.51");
        assertThat(run(console, gatewayId, "ipam.pool.update", grown).status()).isEqualTo(CommandState.SUCCEEDED);
        ClusterStatusRecord running = SiteAdmin.awaitState(console, gatewayId, "Running", PROVISIONING);
        assertThat(running.nodes())
                .singleElement()
                .satisfies(node -> assertThat(node.ip()).isEqualTo("10.0.0.51"));
    }

    @Test
    void aFailingVcenterCheckRefusesTheConfigurationWithThatChecksMessage() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-bad-ds";
        pair(console, name, Map.of());

        Map<String, Object> request = new LinkedHashMap<>(configure(1));
        request.put(
                "placement",
                Map.of(
                        "datacenter",
                        "DC0",
                        "computeCluster",
                        "DC0_C0",
                        "datastore",
                        "no-such-datastore",
                        "network",
                        "VM Network"));
        CommandRecord refused = run(console, gatewayId, "gateway.configure", request);

        assertThat(refused.status()).isEqualTo(CommandState.FAILED);
        assertThat(refused.error().code()).isEqualTo("GATEWAY_VCENTER_CHECK_FAILED");
        assertThat(refused.error().message())
                .contains("placement.datastore")
                .contains("no-such-datastore")
                .doesNotContain(Vcsim.PASSWORD);
        assertThat(tools.commands()).as("nothing was provisioned").isEmpty();
    }

    /**
     * Cloud accounts from the console: added once they log in, checked, listed without passwords, and deleted unless a
     * cluster uses them; the refusal names the cluster. No password reaches a result, an error, a log line or an event.
     */
    @Test
    void cloudAccountsAreAddedCheckedListedAndNotDeletedWhileInUse() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-accounts";
        pair(console, name, Map.of());
        Map<String, Object> lab = new LinkedHashMap<>(Map.of(
                "name",
                "lab",
                "server",
                VCSIM.vcsim().server(),
                "username",
                Vcsim.USERNAME,
                "password",
                Vcsim.PASSWORD,
                "thumbprint",
                SiteAdmin.thumbprint(VCSIM.vcsim())));
        List<CommandRecord> answers = new ArrayList<>();

        CommandRecord created = record(answers, run(console, gatewayId, "cloudaccount.create", lab));
        assertThat(created.status()).as(String.valueOf(created.error())).isEqualTo(CommandState.SUCCEEDED);
        assertThat(refused(answers, console, "cloudaccount.create", lab).code()).isEqualTo("CLOUD_ACCOUNT_EXISTS");
        Map<String, Object> badName = new LinkedHashMap<>(lab);
        badName.put("name", "Lab_1");
        assertThat(refused(answers, console, "cloudaccount.create", badName)).satisfies(error -> {
            assertThat(error.code()).isEqualTo("CLOUD_ACCOUNT_INVALID_REQUEST");
            assertThat(error.message()).contains("Lab_1", "lower-case letters");
        });
        Map<String, Object> wrongPassword = new LinkedHashMap<>(lab);
        wrongPassword.put("name", "lab-2");
        wrongPassword.put("password", "not-" + Vcsim.PASSWORD);
        assertThat(refused(answers, console, "cloudaccount.create", wrongPassword)
                        .code())
                .isEqualTo("CLOUD_ACCOUNT_CHECK_FAILED");

        CommandRecord checked = record(
                answers,
                run(
                        console,
                        gatewayId,
                        "cloudaccount.validate",
                        Map.of(
                                "name",
                                "lab",
                                "placement",
                                Map.of(
                                        "datacenter",
                                        "DC0",
                                        "cluster",
                                        "DC0_C0",
                                        "datastore",
                                        "LocalDS_0",
                                        "network",
                                        "VM Network"))));
        assertThat(checked.status()).isEqualTo(CommandState.SUCCEEDED);
        assertThat(JSON.readTree(checked.resultJson()).path("checks").findValuesAsText("id"))
                .contains("credentials");

        // Configuring the gateway stores the default account, which the gateway cluster uses from then on.
        assertThat(record(answers, run(console, gatewayId, "gateway.configure", configure(1)))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);
        assertThat(refused(answers, console, "cloudaccount.delete", Map.of("name", "default")))
                .satisfies(error -> {
                    assertThat(error.code()).isEqualTo("CLOUD_ACCOUNT_IN_USE");
                    assertThat(error.message()).contains(name);
                });
        assertThat(record(answers, run(console, gatewayId, "cloudaccount.delete", Map.of("name", "lab")))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);
        assertThat(refused(answers, console, "cloudaccount.delete", Map.of("name", "lab"))
                        .code())
                .isEqualTo("CLOUD_ACCOUNT_NOT_FOUND");

        var listed = JSON.readTree(record(answers, run(console, gatewayId, "cloudaccount.list", Map.of()))
                .resultJson());
        assertThat(listed.path("accounts")).singleElement().satisfies(account -> {
            assertThat(account.path("name").asText()).isEqualTo("default");
            assertThat(account.path("username").asText()).isEqualTo(Vcsim.USERNAME);
            assertThat(account.path("usedBy").toString()).isEqualTo("[\"" + name + "\"]");
            assertThat(account.has("password")).isFalse();
        });
        assertThat(answers)
                .allSatisfy(answer ->
                        assertThat(answer.resultJson() + " " + answer.error()).doesNotContain(Vcsim.PASSWORD));
    }

    private static CommandRecord record(List<CommandRecord> answers, CommandRecord answer) {
        answers.add(answer);
        return answer;
    }

    private CommandRecord.Failure refused(
            List<CommandRecord> answers, DevConsole console, String type, Object payload) {
        CommandRecord answer = record(answers, run(console, gatewayId, type, payload));
        assertThat(answer.status()).as(type).isEqualTo(CommandState.FAILED);
        return answer.error();
    }

    /** A gateway for {@code name} in the console, and an agent that pairs with it by PIN and registers. */
    private void pair(DevConsole console, String name, Map<String, Object> extraProperties) throws Exception {
        GatewayService.IssuedPin issued = console.createGateway(name);
        gatewayId = issued.gateway().id();
        appliance = site.agent(console, name, issued.pin(), extraProperties);
        agent = site.start(appliance);
        await("the agent pairs and registers")
                .atMost(Duration.ofSeconds(60))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
    }

    private static Map<String, Object> configure(int nodes) {
        return SiteAdmin.configureRequest(VCSIM.vcsim(), nodes);
    }

    private static CommandRecord run(DevConsole console, String gatewayId, String type, Object payload) {
        return SiteAdmin.run(console, gatewayId, type, payload);
    }
}
