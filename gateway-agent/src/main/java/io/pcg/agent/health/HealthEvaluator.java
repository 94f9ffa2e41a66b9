package io.pcg.agent.health;

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
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Judges a cluster Healthy or Unhealthy from what the monitor saw, as the product guide's "Cluster Health" says:
 * heartbeats missing, a node condition signalling a problem, or usage over its threshold for a period. Pure: the
 * time is an input, and "for a period" is read from the usage history, so the same inputs give the same verdict.
 */
public final class HealthEvaluator {

    public static final String HEARTBEAT_MISSING = "HeartbeatMissing";
    public static final String CLUSTER_UNREACHABLE = "ClusterUnreachable";
    public static final String NO_NODES = "NoNodes";
    public static final String NODE_NOT_READY = "NodeNotReady";
    public static final String CPU_USAGE_HIGH = "CpuUsageHigh";
    public static final String MEMORY_USAGE_HIGH = "MemoryUsageHigh";

    /** Node conditions that signal a problem when True, with the reason reported and what to do. */
    private static final List<PressureCondition> PRESSURES = List.of(
            new PressureCondition(
                    "DiskPressure", "NodeDiskPressure", "free disk space on the node (images, logs, emptyDir volumes)"),
            new PressureCondition("MemoryPressure", "NodeMemoryPressure", "free memory on the node or give it more"),
            new PressureCondition("PIDPressure", "NodePIDPressure", "find the pods that start too many processes"),
            new PressureCondition(
                    "NetworkUnavailable", "NodeNetworkUnavailable", "check the node's CNI pods and its network"));

    private record PressureCondition(String type, String reason, String fix) {}

    /**
     * What the verdict is judged on.
     *
     * @param now              the evaluation time
     * @param lastHeartbeat    when the agent last sent a heartbeat; null if never
     * @param watchingSince    when the agent started watching (heartbeats count as missing only a timeout after it)
     * @param clusterProblem   why the cluster could not be read, or null when it was read
     * @param nodes            the nodes as read (empty when the cluster could not be read)
     * @param history          the cluster's usage samples, oldest first
     */
    public record Input(
            Instant now,
            Instant lastHeartbeat,
            Instant watchingSince,
            String clusterProblem,
            List<NodeHealth> nodes,
            List<UsageSample> history) {}

    /** The verdict and, when Unhealthy, every reason. */
    public record Verdict(HealthVerdict verdict, List<HealthReason> reasons) {}

    private HealthEvaluator() {}

    public static Verdict evaluate(Input input, HealthConfig config) {
        List<HealthReason> reasons = new ArrayList<>();
        heartbeat(input, config).ifPresent(reasons::add);
        if (input.clusterProblem() != null) {
            reasons.add(reason(
                    CLUSTER_UNREACHABLE,
                    "",
                    "the cluster's API server did not answer (" + input.clusterProblem()
                            + "): check the control-plane nodes and the appliance's network to them"));
        } else if (input.nodes().isEmpty()) {
            reasons.add(
                    reason(NO_NODES, "", "the cluster has no nodes: check the node VMs in vSphere and their kubelets"));
        }
        for (NodeHealth node : input.nodes()) {
            reasons.addAll(nodeReasons(node));
        }
        sustained(
                        input,
                        "CPU",
                        ResourceUsage::getCpuUsageCores,
                        ResourceUsage::getCpuCores,
                        config.cpuThreshold(),
                        config.cpuPeriod(),
                        CPU_USAGE_HIGH,
                        "cpu")
                .ifPresent(reasons::add);
        sustained(
                        input,
                        "Memory",
                        usage -> usage.getMemoryUsageBytes(),
                        usage -> usage.getMemoryBytes(),
                        config.memoryThreshold(),
                        config.memoryPeriod(),
                        MEMORY_USAGE_HIGH,
                        "memory")
                .ifPresent(reasons::add);
        return new Verdict(
                reasons.isEmpty() ? HealthVerdict.HEALTH_VERDICT_HEALTHY : HealthVerdict.HEALTH_VERDICT_UNHEALTHY,
                List.copyOf(reasons));
    }

    private static Optional<HealthReason> heartbeat(Input input, HealthConfig config) {
        Instant last = input.lastHeartbeat() == null ? input.watchingSince() : input.lastHeartbeat();
        Duration silent = Duration.between(last, input.now());
        if (silent.compareTo(config.heartbeatTimeout()) <= 0) {
            return Optional.empty();
        }
        return Optional.of(reason(
                HEARTBEAT_MISSING,
                "",
                (input.lastHeartbeat() == null ? "no heartbeat sent yet" : "no heartbeat sent for " + seconds(silent))
                        + " (more than pcg.agent.health.heartbeat-timeout " + seconds(config.heartbeatTimeout())
                        + "): the agent cannot reach the console; run `pcg status` and `pcg doctor` on the appliance"));
    }

    private static List<HealthReason> nodeReasons(NodeHealth node) {
        List<HealthReason> reasons = new ArrayList<>();
        String object = "node/" + node.getName();
        Condition ready = condition(node, "Ready");
        if (ready == null || ready.getStatus() != ConditionStatus.CONDITION_STATUS_TRUE) {
            reasons.add(reason(
                    NODE_NOT_READY,
                    object,
                    "node " + node.getName() + " is not Ready"
                            + (ready == null ? " (it reports no Ready condition)" : detail(ready))
                            + ": check the node VM and its kubelet (journalctl -u kubelet on the node)"));
        }
        for (PressureCondition pressure : PRESSURES) {
            Condition condition = condition(node, pressure.type());
            if (condition != null && condition.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE) {
                reasons.add(reason(
                        pressure.reason(),
                        object,
                        "node " + node.getName() + " has " + pressure.type() + detail(condition) + ": "
                                + pressure.fix()));
            }
        }
        return reasons;
    }

    /**
     * Unhealthy when every sample of the newest run over the threshold spans at least {@code period}: the run starts
     * at its oldest sample, so a history that begins over the threshold counts from its first sample only.
     */
    private static Optional<HealthReason> sustained(
            Input input,
            String what,
            ToDoubleFunction<ResourceUsage> used,
            ToDoubleFunction<ResourceUsage> capacity,
            double threshold,
            Duration period,
            String reason,
            String key) {
        List<UsageSample> history = input.history();
        Instant overSince = null;
        double latest = Double.NaN;
        for (int i = history.size() - 1; i >= 0; i--) {
            double percent = percent(history.get(i).getUsage(), used, capacity);
            if (Double.isNaN(latest)) {
                latest = percent;
            }
            if (!(percent > threshold)) {
                break;
            }
            overSince = timeOf(history.get(i));
        }
        if (overSince == null || Duration.between(overSince, input.now()).compareTo(period) < 0) {
            return Optional.empty();
        }
        return Optional.of(reason(
                reason,
                "",
                String.format(
                        Locale.ROOT,
                        "%s usage has stayed above %s%% of the allocatable capacity for %s (now %.0f%%): add nodes or move"
                                + " workloads (thresholds: pcg.agent.health.%s-threshold and %s-period)",
                        what,
                        trim(threshold),
                        seconds(Duration.between(overSince, input.now())),
                        latest,
                        key,
                        key)));
    }

    /** NaN when the capacity is unknown: such a sample is never over a threshold. */
    static double percent(
            ResourceUsage usage, ToDoubleFunction<ResourceUsage> used, ToDoubleFunction<ResourceUsage> capacity) {
        double total = capacity.applyAsDouble(usage);
        return total > 0 ? 100 * used.applyAsDouble(usage) / total : Double.NaN;
    }

    private static Condition condition(NodeHealth node, String type) {
        return node.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
    }

    private static String detail(Condition condition) {
        String status = condition
                .getStatus()
                .name()
                .substring("CONDITION_STATUS_".length())
                .toLowerCase(Locale.ROOT);
        String why = condition.getReason().isEmpty()
                ? ""
                : condition.getReason() + (condition.getMessage().isEmpty() ? "" : ": " + condition.getMessage());
        return " (" + status + (why.isEmpty() ? "" : ", " + why) + ")";
    }

    private static HealthReason reason(String code, String object, String message) {
        return HealthReason.newBuilder()
                .setReason(code)
                .setObject(object)
                .setMessage(message)
                .build();
    }

    private static Instant timeOf(UsageSample sample) {
        return Instant.ofEpochSecond(
                sample.getTime().getSeconds(), sample.getTime().getNanos());
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
