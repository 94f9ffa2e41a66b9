package io.pcg.console.gateway;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The managed cluster's health as its agent last reported it ({@code pcg.v1.ClusterHealth}), kept with the gateway
 * record and shown by the admin API: verdict Healthy or Unhealthy with its reasons, each node's conditions and
 * usage, the cluster's usage and its recent history (for charts). CPU is in cores, memory in bytes.
 *
 * @param verdict     Healthy or Unhealthy
 * @param reasons     why it is unhealthy; empty when healthy
 * @param usageSource "metrics" (metrics.k8s.io) or "requests" (usage stands in as the pods' requests)
 * @param observedAt  when the agent took it (agent's clock)
 * @param receivedAt  when the console got it
 */
@Serdeable
public record ClusterHealthRecord(
        String verdict,
        List<Reason> reasons,
        String usageSource,
        Usage usage,
        List<NodeHealth> nodes,
        List<Sample> history,
        @Nullable Instant observedAt,
        Instant receivedAt) {

    public static final String HEALTHY = "Healthy";
    public static final String UNHEALTHY = "Unhealthy";
    /** Reason the console adds itself when the gateway is Offline: it cannot know more until heartbeats are back. */
    public static final String HEARTBEAT_MISSING = "HeartbeatMissing";

    public ClusterHealthRecord {
        verdict = text(verdict);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        usageSource = text(usageSource);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** @param object {@code node/<name>}, or empty for the whole cluster */
    @Serdeable
    public record Reason(String reason, String object, String message) {
        public Reason {
            reason = text(reason);
            object = text(object);
            message = text(message);
        }
    }

    @Serdeable
    public record Usage(
            double cpuCores,
            double cpuUsageCores,
            double cpuRequestsCores,
            long memoryBytes,
            long memoryUsageBytes,
            long memoryRequestsBytes) {}

    @Serdeable
    public record NodeHealth(
            String name,
            List<ClusterStatusRecord.Condition> conditions,
            @Nullable Usage usage) {
        public NodeHealth {
            name = text(name);
            conditions = conditions == null ? List.of() : List.copyOf(conditions);
        }
    }

    @Serdeable
    public record Sample(Instant time, Usage usage) {}

    /**
     * As shown while the gateway is Offline: the last report no longer holds, and missing heartbeats make the
     * cluster Unhealthy whatever the agent said last.
     */
    public ClusterHealthRecord offline(@Nullable Instant lastHeartbeat) {
        List<Reason> offline = new ArrayList<>();
        offline.add(new Reason(
                HEARTBEAT_MISSING,
                "",
                "the console has had no heartbeat from the gateway"
                        + (lastHeartbeat == null ? "" : " since " + lastHeartbeat) + "; the rest is its last report:"
                        + " check the appliance (pcg status, pcg doctor)"));
        offline.addAll(reasons);
        return new ClusterHealthRecord(UNHEALTHY, offline, usageSource, usage, nodes, history, observedAt, receivedAt);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
