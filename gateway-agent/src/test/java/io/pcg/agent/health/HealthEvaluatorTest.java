package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.agent.events.EventPublisher;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import io.pcg.proto.v1.HealthReason;
import io.pcg.proto.v1.HealthVerdict;
import io.pcg.proto.v1.NodeHealth;
import io.pcg.proto.v1.ResourceUsage;
import io.pcg.proto.v1.UsageSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    /** 90 % CPU and 80 % memory, each for 5 minutes; heartbeats missing after 60 s. */
    private static final HealthConfig CONFIG = new HealthConfig(
            Duration.ofSeconds(30), Duration.ofSeconds(60), 90, Duration.ofMinutes(5), 80, Duration.ofMinutes(5), 20);

    static Stream<Arguments> cases() {
        NodeHealth fine = node("n1", "Ready", ConditionStatus.CONDITION_STATUS_TRUE);
        List<UsageSample> calm = samples(10, 0.5, 0.5);
        return Stream.of(
                Arguments.of("all fine", input(ago(10), null, List.of(fine), calm), List.of()),
                Arguments.of(
                        "heartbeat 60 s ago is not yet missing", input(ago(60), null, List.of(fine), calm), List.of()),
                Arguments.of(
                        "heartbeat 61 s ago is missing",
                        input(ago(61), null, List.of(fine), calm),
                        List.of("HeartbeatMissing")),
                Arguments.of(
                        "no heartbeat yet, watching for 30 s",
                        new HealthEvaluator.Input(NOW, null, ago(30), null, List.of(fine), calm),
                        List.of()),
                Arguments.of(
                        "no heartbeat after watching for 2 min",
                        new HealthEvaluator.Input(NOW, null, ago(120), null, List.of(fine), calm),
                        List.of("HeartbeatMissing")),
                Arguments.of(
                        "node not ready",
                        input(
                                ago(5),
                                null,
                                List.of(fine, node("n2", "Ready", ConditionStatus.CONDITION_STATUS_FALSE)),
                                calm),
                        List.of("NodeNotReady node/n2")),
                Arguments.of(
                        "node ready unknown",
                        input(
                                ago(5),
                                null,
                                List.of(node("n1", "Ready", ConditionStatus.CONDITION_STATUS_UNKNOWN)),
                                calm),
                        List.of("NodeNotReady node/n1")),
                Arguments.of(
                        "node without a Ready condition",
                        input(
                                ago(5),
                                null,
                                List.of(NodeHealth.newBuilder().setName("n1").build()),
                                calm),
                        List.of("NodeNotReady node/n1")),
                Arguments.of(
                        "disk pressure",
                        input(ago(5), null, List.of(pressure("DiskPressure")), calm),
                        List.of("NodeDiskPressure node/n1")),
                Arguments.of(
                        "memory pressure",
                        input(ago(5), null, List.of(pressure("MemoryPressure")), calm),
                        List.of("NodeMemoryPressure node/n1")),
                Arguments.of(
                        "PID pressure",
                        input(ago(5), null, List.of(pressure("PIDPressure")), calm),
                        List.of("NodePIDPressure node/n1")),
                Arguments.of(
                        "network unavailable",
                        input(ago(5), null, List.of(pressure("NetworkUnavailable")), calm),
                        List.of("NodeNetworkUnavailable node/n1")),
                Arguments.of(
                        "pressure conditions that are False are fine",
                        input(
                                ago(5),
                                null,
                                List.of(fine.toBuilder()
                                        .addConditions(
                                                condition("DiskPressure", ConditionStatus.CONDITION_STATUS_FALSE))
                                        .build()),
                                calm),
                        List.of()),
                Arguments.of(
                        "cluster unreachable",
                        input(ago(5), "connection refused", List.of(), calm),
                        List.of("ClusterUnreachable")),
                Arguments.of("no nodes", input(ago(5), null, List.of(), calm), List.of("NoNodes")),
                Arguments.of(
                        "CPU over for 4.5 min of a 5 min period",
                        input(ago(5), null, List.of(fine), concat(samples(5, 0.5, 0.5), samples(10, 0.95, 0.5))),
                        List.of()),
                Arguments.of(
                        "CPU over for 5 min",
                        input(ago(5), null, List.of(fine), concat(samples(5, 0.5, 0.5), samples(11, 0.95, 0.5))),
                        List.of("CpuUsageHigh")),
                Arguments.of(
                        "CPU exactly at the threshold is not over",
                        input(ago(5), null, List.of(fine), samples(20, 0.9, 0.5)),
                        List.of()),
                Arguments.of(
                        "CPU over for long but just dipped",
                        input(ago(5), null, List.of(fine), concat(samples(15, 0.95, 0.5), samples(1, 0.5, 0.5))),
                        List.of()),
                Arguments.of(
                        "memory over its own threshold for 5 min",
                        input(ago(5), null, List.of(fine), samples(11, 0.5, 0.85)),
                        List.of("MemoryUsageHigh")),
                Arguments.of(
                        "unknown capacity is never over",
                        input(
                                ago(5),
                                null,
                                List.of(fine),
                                samples(20, 0, 0).stream()
                                        .map(s -> s.toBuilder()
                                                .setUsage(ResourceUsage.newBuilder()
                                                        .setCpuUsageCores(3))
                                                .build())
                                        .toList()),
                        List.of()),
                Arguments.of(
                        "everything at once",
                        input(ago(300), null, List.of(pressure("DiskPressure")), samples(11, 0.99, 0.99)),
                        List.of("HeartbeatMissing", "NodeDiskPressure node/n1", "CpuUsageHigh", "MemoryUsageHigh")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdicts(String name, HealthEvaluator.Input input, List<String> expected) {
        HealthEvaluator.Verdict verdict = HealthEvaluator.evaluate(input, CONFIG);

        assertThat(verdict.reasons()).extracting(HealthEvaluatorTest::key).containsExactlyElementsOf(expected);
        assertThat(verdict.verdict())
                .isEqualTo(
                        expected.isEmpty()
                                ? HealthVerdict.HEALTH_VERDICT_HEALTHY
                                : HealthVerdict.HEALTH_VERDICT_UNHEALTHY);
        assertThat(verdict.reasons())
                .allSatisfy(reason -> assertThat(reason.getMessage()).contains(": "));
    }

    @Test
    void messagesSayWhatIsWrongAndWhichSettingTunesIt() {
        HealthEvaluator.Verdict verdict = HealthEvaluator.evaluate(
                input(
                        ago(90),
                        null,
                        List.of(node("n1", "Ready", ConditionStatus.CONDITION_STATUS_TRUE)),
                        samples(11, 0.95, 0.5)),
                CONFIG);

        assertThat(verdict.reasons())
                .extracting(HealthReason::getMessage)
                .containsExactly(
                        "no heartbeat sent for 90s (more than pcg.agent.health.heartbeat-timeout 60s): the agent cannot reach"
                                + " the console; run `pcg status` and `pcg doctor` on the appliance",
                        "CPU usage has stayed above 90% of the allocatable capacity for 300s (now 95%): add nodes or move"
                                + " workloads (thresholds: pcg.agent.health.cpu-threshold and cpu-period)");
    }

    @Test
    void aHistoryThatCannotCoverThePeriodIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new HealthConfig(
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        90,
                        Duration.ofMinutes(10),
                        90,
                        Duration.ofMinutes(5),
                        10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("history-size 10")
                .hasMessageContaining("raise history-size to at least 22");
        assertThatThrownBy(() -> new HealthConfig(
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        120,
                        Duration.ofMinutes(5),
                        90,
                        Duration.ofMinutes(5),
                        20))
                .hasMessageContaining("pcg.agent.health.cpu-threshold must be a percentage");
        assertThat(HealthConfig.defaults().historySize()).isEqualTo(HealthConfig.DEFAULT_HISTORY_SIZE);
    }

    private static String key(HealthReason reason) {
        return reason.getReason() + (reason.getObject().isEmpty() ? "" : " " + reason.getObject());
    }

    private static HealthEvaluator.Input input(
            Instant lastHeartbeat, String clusterProblem, List<NodeHealth> nodes, List<UsageSample> history) {
        return new HealthEvaluator.Input(NOW, lastHeartbeat, ago(3600), clusterProblem, nodes, history);
    }

    private static Instant ago(long seconds) {
        return NOW.minusSeconds(seconds);
    }

    private static NodeHealth node(String name, String type, ConditionStatus status) {
        return NodeHealth.newBuilder()
                .setName(name)
                .addConditions(condition(type, status))
                .build();
    }

    private static NodeHealth pressure(String type) {
        return node("n1", "Ready", ConditionStatus.CONDITION_STATUS_TRUE).toBuilder()
                .addConditions(condition(type, ConditionStatus.CONDITION_STATUS_TRUE))
                .build();
    }

    private static Condition condition(String type, ConditionStatus status) {
        return Condition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason("KubeletSays")
                .setMessage("as reported")
                .build();
    }

    /** {@code count} samples 30 s apart ending now, at the given shares of 4 cores and 8 GiB. */
    private static List<UsageSample> samples(int count, double cpuShare, double memoryShare) {
        List<UsageSample> samples = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            samples.add(UsageSample.newBuilder()
                    .setTime(EventPublisher.timestamp(ago(30L * i)))
                    .setUsage(ResourceUsage.newBuilder()
                            .setCpuCores(4)
                            .setCpuUsageCores(4 * cpuShare)
                            .setMemoryBytes(8L << 30)
                            .setMemoryUsageBytes((long) ((8L << 30) * memoryShare)))
                    .build());
        }
        return samples;
    }

    /** {@code older} moved back in time so that {@code newer} ends now, as one history. */
    private static List<UsageSample> concat(List<UsageSample> older, List<UsageSample> newer) {
        long shift = 30L * newer.size();
        List<UsageSample> all = new ArrayList<>();
        for (UsageSample sample : older) {
            all.add(sample.toBuilder()
                    .setTime(sample.getTime().toBuilder()
                            .setSeconds(sample.getTime().getSeconds() - shift))
                    .build());
        }
        all.addAll(newer);
        return all;
    }
}
