package io.pcg.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import io.pcg.testkit.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusReporterTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final ClusterStatusReporter reporter = new ClusterStatusReporter(clock);

    private static ClusterStatus status(ClusterState state, ConditionStatus nodesReady, String message) {
        return ClusterStatus.newBuilder()
                .setState(state)
                .setManagementCluster("bootstrap")
                .addConditions(Condition.newBuilder()
                        .setType("ManagementClusterReady")
                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE))
                .addConditions(Condition.newBuilder()
                        .setType("NodesReady")
                        .setStatus(nodesReady)
                        .setReason("WaitingForNodes")
                        .setMessage(message))
                .addNodes(ClusterNode.newBuilder()
                        .setName("pcg-gw-abcde")
                        .setIp("10.10.1.21")
                        .setRole("control-plane"))
                .build();
    }

    private static List<ClusterStatus> statuses(FakeUpstream stream) {
        return stream.sent.stream()
                .filter(AgentMessage::hasClusterStatus)
                .map(AgentMessage::getClusterStatus)
                .toList();
    }

    @Test
    void sendsOnChangeOnlyAndKeepsTransitionTimesWhileAConditionHolds() {
        FakeUpstream stream = new FakeUpstream();
        reporter.connected(stream);

        reporter.report(status(
                ClusterState.CLUSTER_STATE_PROVISIONING, ConditionStatus.CONDITION_STATUS_FALSE, "0 of 1 ready"));
        clock.advance(Duration.ofSeconds(10));
        reporter.report(status(
                ClusterState.CLUSTER_STATE_PROVISIONING, ConditionStatus.CONDITION_STATUS_FALSE, "0 of 1 ready"));
        assertThat(statuses(stream)).as("the same status again is not news").hasSize(1);

        clock.advance(Duration.ofSeconds(10));
        reporter.report(
                status(ClusterState.CLUSTER_STATE_RUNNING, ConditionStatus.CONDITION_STATUS_TRUE, "1 of 1 ready"));

        List<ClusterStatus> sent = statuses(stream);
        assertThat(sent)
                .extracting(ClusterStatus::getState)
                .containsExactly(ClusterState.CLUSTER_STATE_PROVISIONING, ClusterState.CLUSTER_STATE_RUNNING);
        ClusterStatus running = sent.get(1);
        assertThat(running.getObservedAt()).isEqualTo(EventPublisher.timestamp(START.plusSeconds(20)));
        assertThat(running.getConditions(0).getLastTransitionTime())
                .as("still true since the first report")
                .isEqualTo(EventPublisher.timestamp(START));
        assertThat(running.getConditions(1).getLastTransitionTime())
                .as("turned true now")
                .isEqualTo(EventPublisher.timestamp(START.plusSeconds(20)));
        assertThat(reporter.latest()).contains(running);
    }

    @Test
    void afterAReconnectOnlyTheLatestStatusIsSent() {
        FakeUpstream first = new FakeUpstream();
        reporter.connected(first);
        reporter.report(status(
                ClusterState.CLUSTER_STATE_PROVISIONING, ConditionStatus.CONDITION_STATUS_FALSE, "0 of 1 ready"));
        reporter.disconnected();
        reporter.report(status(
                ClusterState.CLUSTER_STATE_PROVISIONING, ConditionStatus.CONDITION_STATUS_FALSE, "waiting for VM"));
        reporter.report(
                status(ClusterState.CLUSTER_STATE_FAILED, ConditionStatus.CONDITION_STATUS_FALSE, "clone failed"));

        FakeUpstream second = new FakeUpstream();
        reporter.connected(second);

        assertThat(statuses(first)).hasSize(1);
        assertThat(statuses(second)).singleElement().satisfies(status -> {
            assertThat(status.getState()).isEqualTo(ClusterState.CLUSTER_STATE_FAILED);
            assertThat(status.getConditions(1).getMessage()).isEqualTo("clone failed");
        });
    }

    @Test
    void aStreamThatEndedUnnoticedGetsNothingAndTheNextOneTheLatest() {
        reporter.connected(new FakeUpstream());
        FakeUpstream ended = new FakeUpstream(0);
        reporter.connected(ended);
        reporter.report(status(ClusterState.CLUSTER_STATE_PENDING, ConditionStatus.CONDITION_STATUS_UNKNOWN, ""));
        assertThat(ended.sent).isEmpty();

        FakeUpstream next = new FakeUpstream();
        reporter.connected(next);
        assertThat(statuses(next))
                .extracting(ClusterStatus::getState)
                .containsExactly(ClusterState.CLUSTER_STATE_PENDING);
    }

    @Test
    void nothingIsSentBeforeTheFirstReport() {
        FakeUpstream stream = new FakeUpstream();
        reporter.connected(stream);
        assertThat(stream.sent).isEmpty();
        assertThat(reporter.latest()).isEmpty();
    }

    @Test
    void conditionTextsNeverCarryASecret() {
        FakeUpstream stream = new FakeUpstream();
        reporter.connected(stream);
        reporter.report(status(
                ClusterState.CLUSTER_STATE_FAILED,
                ConditionStatus.CONDITION_STATUS_FALSE,
                "capv: cannot log in to https://admin:Vc-Pass-1@vc1.example.net/sdk"));
        assertThat(statuses(stream).get(0).getConditions(1).getMessage())
                .isEqualTo("capv: cannot log in to https://admin:<redacted>@vc1.example.net/sdk");
    }

    @Test
    void aStatusMustSayWhatItIs() {
        assertThatThrownBy(() -> reporter.report(ClusterStatus.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state");
        assertThatThrownBy(() -> reporter.report(ClusterStatus.newBuilder()
                        .setState(ClusterState.CLUSTER_STATE_PENDING)
                        .addConditions(Condition.newBuilder().setType("Ready"))
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Ready");
    }
}
