package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.agent.link.ConnectionProblem;
import io.pcg.agent.link.Problem;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusBannerTest {

    private final AgentStatus status = new AgentStatus(
            "https://console.example.com", Clock.fixed(Instant.parse("2026-11-21T10:15:00Z"), ZoneOffset.UTC));

    @Test
    void showsTheStateAndTheFixWhileNotConnected(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("issue.d/pcg-agent.issue");
        StatusBanner banner = new StatusBanner(status, new ClusterStatusReporter(Clock.systemUTC()), file);
        status.phase(AgentStatus.Phase.PAIRING);
        banner.refresh();
        assertThat(Files.readString(file))
                .contains("pairing with the console using the pairing code since 2026-11-21 10:15 UTC");

        status.failed(problem(ConnectionProblem.DNS_FAILURE, "cannot resolve console.example.com"));
        banner.refresh();
        assertThat(Files.readString(file))
                .contains(
                        "not connected, retrying: DNS_FAILURE - a host name could not be resolved: cannot resolve console.example.com")
                .contains("What to do   : " + ConnectionProblem.DNS_FAILURE.hint());

        status.connected("gw-1234");
        banner.refresh();
        assertThat(Files.readString(file))
                .contains("paired and online as gw-1234")
                .doesNotContain("What to do");
    }

    @Test
    void escapesBackslashesThatAgettyWouldReadAsEscapes() {
        status.failed(problem(ConnectionProblem.TLS_FAILED, "odd \\4 text"));
        assertThat(StatusBanner.render(status.snapshot(), Optional.empty())).contains("odd \\\\4 text");
    }

    @Test
    void tellsTheAdminToPowerOffTheInstallerVmOnceTheGatewayClusterManagesItself(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("pcg-agent.issue");
        ClusterStatusReporter cluster = new ClusterStatusReporter(Clock.systemUTC());
        StatusBanner banner = new StatusBanner(status, cluster, file);
        status.connected("gw-1234");

        cluster.report(ClusterStatus.newBuilder()
                .setState(ClusterState.CLUSTER_STATE_FAILED)
                .setManagementCluster("bootstrap")
                .addConditions(Condition.newBuilder()
                        .setType("NodeAddressesAllocated")
                        .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                        .setReason("PoolExhausted")
                        .setMessage("IP pool 'gateway-nodes' has no free address"))
                .build());
        banner.refresh();
        assertThat(Files.readString(file))
                .contains(
                        "Gateway cluster: failed - NodeAddressesAllocated: IP pool 'gateway-nodes' has no free address")
                .doesNotContain("Power off");

        cluster.report(ClusterStatus.newBuilder()
                .setState(ClusterState.CLUSTER_STATE_RUNNING)
                .setManagementCluster("gateway")
                .addNodes(ClusterNode.newBuilder()
                        .setName("pcg-a")
                        .setRole("control-plane")
                        .setReady(true))
                .build());
        banner.refresh();
        assertThat(Files.readString(file))
                .contains("Gateway cluster: running, 1 node")
                .contains("Power off this installer VM");
    }

    @Test
    void isWrittenOnlyWhenTheInstallerNamesTheFile(@TempDir Path temp) {
        Path file = temp.resolve("pcg-agent.issue");
        try (ApplicationContext agent = ApplicationContext.builder()
                .environments(GatewayAgentApplication.ENVIRONMENT)
                .properties(Map.of("pcg.agent.status-banner-file", file.toString()))
                .start()) {
            assertThat(agent.findBean(StatusBanner.class)).isPresent();
        }
        try (ApplicationContext agent = ApplicationContext.builder()
                .environments(GatewayAgentApplication.ENVIRONMENT)
                .start()) {
            assertThat(agent.findBean(StatusBanner.class)).isEmpty();
        }
    }

    private static Problem problem(ConnectionProblem kind, String message) {
        return new Problem(kind, message);
    }
}
