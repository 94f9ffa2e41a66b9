package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.agent.events.EventPublisher;
import io.pcg.cli.Pcg;
import io.pcg.common.secrets.Secret;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pcg status} and {@code pcg events} against the real agent's management port, paired with the real
 * dev-console; then against no agent at all.
 */
class ManagementPortIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NAME = "pcg-cli-status";
    private static final String VCENTER_PASSWORD = "Vc-S3cret!pw#42";
    private static final String THUMBPRINT =
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    @TempDir
    Path tmp;

    @Test
    void statusAndEventsShowWhatTheAgentKnowsAndADownAgentIsSaidSoWithTheHint() throws Exception {
        String agentUrl;
        try (EmbeddedConsole console = EmbeddedConsole.start(tmp.resolve("console"))) {
            GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
            EmbeddedServer server = ApplicationContext.run(
                    EmbeddedServer.class,
                    Map.of(
                            "micronaut.server.port", -1,
                            "pcg.agent.name", NAME,
                            "pcg.agent.console-endpoint", console.endpoint(),
                            "pcg.agent.pairing-code", issued.pin(),
                            "pcg.agent.state-dir", tmp.resolve("agent").toString(),
                            "pcg.agent.console-ca-file", console.caFile().toString()),
                    GatewayAgentApplication.ENVIRONMENT);
            try (ApplicationContext agent = server.getApplicationContext()) {
                agentUrl = "http://127.0.0.1:" + server.getPort();
                AgentStatus status = agent.getBean(AgentStatus.class);
                await("the agent is connected")
                        .atMost(WAIT)
                        .until(() -> status.snapshot().phase() == AgentStatus.Phase.CONNECTED);
                agent.getBean(CloudAccountStore.class)
                        .save(new CloudAccount(
                                CloudAccount.DEFAULT,
                                "vc.example.com",
                                "administrator@vsphere.local",
                                Secret.of(VCENTER_PASSWORD),
                                THUMBPRINT));
                agent.getBean(ClusterStatusReporter.class)
                        .report(ClusterStatus.newBuilder()
                                .setState(ClusterState.CLUSTER_STATE_PROVISIONING)
                                .addConditions(Condition.newBuilder()
                                        .setType("ControlPlaneReady")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                                        .setReason("WaitingForNode")
                                        .setMessage("the first node is being cloned"))
                                .build());
                agent.getBean(EventPublisher.class)
                        .info("ProvisioningStarted", "gateway/" + NAME, "provisioning a 1-node gateway cluster");

                Run statusRun = pcg(agentUrl, "status");
                assertThat(statusRun.exitCode()).as(statusRun.err()).isZero();
                assertThat(statusRun.out())
                        .contains("paired as gateway " + issued.gateway().id())
                        .contains(console.endpoint() + " (connected)")
                        .containsPattern("Client certificate: +expires 20\\d\\d-")
                        .containsPattern("Last heartbeat: +(20\\d\\d-|none yet)")
                        .contains("Proxy:                   none (direct connection)")
                        .contains("Gateway cluster:         PROVISIONING")
                        .contains("ControlPlaneReady      False   WaitingForNode: the first node is being cloned")
                        .contains("Management cluster:")
                        .contains("vCenter:                 vc.example.com pinned to " + THUMBPRINT)
                        .doesNotContain(VCENTER_PASSWORD)
                        .doesNotContain(issued.pin());

                Run eventsRun = pcg(agentUrl, "events");
                assertThat(eventsRun.exitCode()).as(eventsRun.err()).isZero();
                assertThat(eventsRun.out())
                        .containsPattern("20\\d\\d-\\S+Z +INFO +ProvisioningStarted +gateway/" + NAME
                                + ": provisioning a 1-node gateway cluster");
            }
        }

        Run down = pcg(agentUrl, "status");
        assertThat(down.exitCode()).isEqualTo(Pcg.AGENT_UNREACHABLE);
        assertThat(down.err())
                .contains("the agent is not answering on " + agentUrl)
                .contains("systemctl status pcg-agent")
                .contains("journalctl -u pcg-agent");
    }

    private static Run pcg(String agentUrl, String command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode =
                Pcg.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), "--agent-url", agentUrl, command);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {}
}
