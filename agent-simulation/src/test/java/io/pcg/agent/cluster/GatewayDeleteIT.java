package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.link.ConnectionProblem;
import io.pcg.agent.simulation.SimulatedSiteExtension;
import io.pcg.agent.simulation.SiteAdmin;
import io.pcg.agent.simulation.SiteAgent;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.gateway.GatewayService;
import io.pcg.simulators.Delays;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Delete" from the console's admin API on the simulated site: refused, with nothing changed, while a tenant cluster
 * uses one of the gateway's cloud accounts; otherwise the gateway cluster goes (VMs, kind and gateway cluster), the
 * appliance unpairs (identity deleted, health says DELETED, no reconnecting) and the console forgets the gateway.
 */
class GatewayDeleteIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final SimulatedSiteExtension site = new SimulatedSiteExtension(VCSIM, Delays.uniform(Duration.ofMillis(100)));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void refusedWhileATenantClusterExistsThenTheGatewayIsDeletedAndTheApplianceUnpaired() throws Exception {
        DevConsole console = CONSOLE.console();
        String name = "pcg-gone";
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        SiteAgent appliance = site.agent(console, name, issued.pin(), Map.of());
        ApplicationContext agent = site.start(appliance);
        await("the agent pairs and registers")
                .atMost(Duration.ofSeconds(60))
                .until(() -> console.gateway(gatewayId).state().name().equals("ONLINE"));
        assertThat(SiteAdmin.run(console, gatewayId, "gateway.configure", SiteAdmin.configureRequest(VCSIM.vcsim(), 1))
                        .status())
                .isEqualTo(CommandState.SUCCEEDED);
        SiteAdmin.awaitState(console, gatewayId, "Running", SimulatedSiteExtension.PROVISIONING);

        // A tenant cluster on a second account of the gateway: the delete is refused, naming it, and nothing changes.
        CloudAccountStore accounts = agent.getBean(CloudAccountStore.class);
        CloudAccount gatewayAccount = accounts.defaultAccount().orElseThrow();
        accounts.add(new CloudAccount(
                "lab",
                gatewayAccount.server(),
                gatewayAccount.username(),
                gatewayAccount.password(),
                gatewayAccount.thumbprint()));
        accounts.bind("tenant-a", "lab");

        CommandRecord refused = awaitFinished(console, delete(console, gatewayId, false));
        assertThat(refused.status()).isEqualTo(CommandState.FAILED);
        assertThat(refused.error().code()).isEqualTo(GatewayCommands.DELETE_REFUSED);
        assertThat(refused.error().message()).contains("tenant-a").doesNotContain(name + ",");
        assertThat(refused.error().hint()).isNotBlank();
        await("the console takes the delete back")
                .atMost(Duration.ofSeconds(10))
                .until(() -> console.gateway(gatewayId).deleteCommandId() == null);
        assertThat(console.gateway(gatewayId).cluster().state()).isEqualTo("Running");
        assertThat(vms(name)).hasSize(1);
        assertThat(appliance.stateDir().resolve("identity")).exists();
        assertThat(console.events(gatewayId))
                .extracting(GatewayEvent::reason)
                .contains("DeleteRefused")
                .doesNotContain("DeleteStarted", "ResetStarted");

        accounts.unbind("tenant-a");
        String commandId = delete(console, gatewayId, false);
        assertThat(console.gateway(gatewayId).deleteCommandId()).isEqualTo(commandId);
        assertThat(awaitFinished(console, commandId).status()).isEqualTo(CommandState.SUCCEEDED);

        await("the console forgets the gateway")
                .atMost(SimulatedSiteExtension.PROVISIONING)
                .until(() -> !list(console).contains(gatewayId));
        assertThat(vms(name)).as("the gateway's VMs in vCenter").isEmpty();
        assertThat(site.tools().kindClusters()).isEmpty();
        assertThat(site.tools().workloads().started()).isEmpty();
        // The agent wipes its identity once the console answered the unpair; the console may forget it first.
        await("the appliance wipes its identity")
                .atMost(Duration.ofSeconds(60))
                .until(() -> !appliance.stateDir().resolve("identity").toFile().exists());
        assertThat(appliance.stateDir().resolve("identity.next")).doesNotExist();
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(console.adminApi().resolve("/api/gateways/" + gatewayId))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);
        List<String> reasons =
                console.events(gatewayId).stream().map(GatewayEvent::reason).toList();
        assertThat(reasons).containsSubsequence("DeleteRequested", "DeleteStarted", "GatewayDeleted", "Deleted");

        AgentStatus status = agent.getBean(AgentStatus.class);
        await("the agent says it was deleted")
                .atMost(Duration.ofSeconds(30))
                .until(() -> ConnectionProblem.DELETED
                        .name()
                        .equals(status.snapshot().problem()));
        assertThat(status.snapshot().phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
        assertThat(status.snapshot().gatewayId()).isEmpty();
        assertThat(status.snapshot().hint()).contains("Pairing again");
        await("the agent stays unpaired and does not reconnect")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> status.snapshot().phase() == AgentStatus.Phase.NEEDS_OPERATOR
                        && ConnectionProblem.DELETED
                                .name()
                                .equals(status.snapshot().problem()));
        assertThat(agent.getBean(GatewayClusterController.class).record().state())
                .isEqualTo(GatewayState.PENDING);
        assertThat(agent.getBean(GatewayClusterController.class).record().deleting())
                .isFalse();
    }

    @Test
    void aGatewayThatIsNotOnlineIsOnlyForgottenWithForce() throws Exception {
        DevConsole console = CONSOLE.console();
        String gatewayId = console.createGateway("pcg-never-paired").gateway().id();

        HttpResponse<String> withoutForce = send(console, gatewayId, false);
        assertThat(withoutForce.statusCode()).isEqualTo(409);
        assertThat(withoutForce.body()).contains("never connected", "?force=true", "delete its VMs in vSphere");
        assertThat(list(console)).contains(gatewayId);

        assertThat(send(console, gatewayId, true).statusCode()).isEqualTo(204);
        assertThat(list(console)).doesNotContain(gatewayId);
        assertThat(send(console, gatewayId, true).statusCode()).isEqualTo(404);
    }

    /** {@code DELETE /api/gateways/{id}}, as the portal's Delete action sends it; the command's id. */
    private static String delete(DevConsole console, String gatewayId, boolean force) throws Exception {
        HttpResponse<String> response = send(console, gatewayId, force);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("commandId").asText();
    }

    private static HttpResponse<String> send(DevConsole console, String gatewayId, boolean force) throws Exception {
        URI uri = console.adminApi().resolve("/api/gateways/" + gatewayId + (force ? "?force=true" : ""));
        return HTTP.send(HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> list(DevConsole console) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(console.adminApi().resolve("/api/gateways"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode gateways = JSON.readTree(response.body());
        return java.util.stream.StreamSupport.stream(gateways.spliterator(), false)
                .map(node -> node.path("id").asText())
                .toList();
    }

    private static CommandRecord awaitFinished(DevConsole console, String commandId) {
        return await("command " + commandId + " finishes")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> console.commands().get(commandId),
                        command -> command.status().isFinal());
    }

    private static List<String> vms(String name) throws Exception {
        return VCSIM.vcsim()
                .govc("find", "/DC0/vm", "-type", "m", "-name", name + "-*")
                .lines()
                .toList();
    }
}
