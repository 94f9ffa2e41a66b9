package io.pcg.console.control;

import com.google.protobuf.Timestamp;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.ClusterHealthRecord;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.proto.v1.ClusterHealth;
import io.pcg.proto.v1.HealthVerdict;
import io.pcg.proto.v1.ResourceUsage;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;

/**
 * The managed clusters' health as their agents report it: the latest report per gateway is kept with the gateway
 * record, replacing the one before. Changes of verdict reach the events tab as the agent's own events
 * ({@code ClusterUnhealthy}, {@code ClusterHealthy}), so this records none of its own.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ClusterHealthService {

    private final GatewayStore store;
    private final Clock clock;

    public ClusterHealthService(GatewayStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void record(String gatewayId, ClusterHealth health) {
        ClusterHealthRecord received = toRecord(health, clock.instant());
        store.update(gatewayId, gateway -> gateway.withHealth(received));
    }

    static ClusterHealthRecord toRecord(ClusterHealth health, Instant receivedAt) {
        return new ClusterHealthRecord(
                health.getVerdict() == HealthVerdict.HEALTH_VERDICT_HEALTHY
                        ? ClusterHealthRecord.HEALTHY
                        : ClusterHealthRecord.UNHEALTHY,
                health.getReasonsList().stream()
                        .map(reason -> new ClusterHealthRecord.Reason(
                                reason.getReason(), reason.getObject(), reason.getMessage()))
                        .toList(),
                health.getUsageSource(),
                usage(health.getUsage()),
                health.getNodesList().stream()
                        .map(node -> new ClusterHealthRecord.NodeHealth(
                                node.getName(),
                                node.getConditionsList().stream()
                                        .map(ClusterStatusService::condition)
                                        .toList(),
                                usage(node.getUsage())))
                        .toList(),
                health.getHistoryList().stream()
                        .map(sample ->
                                new ClusterHealthRecord.Sample(instant(sample.getTime()), usage(sample.getUsage())))
                        .toList(),
                health.hasObservedAt() ? instant(health.getObservedAt()) : null,
                receivedAt);
    }

    private static ClusterHealthRecord.Usage usage(ResourceUsage usage) {
        return new ClusterHealthRecord.Usage(
                usage.getCpuCores(),
                usage.getCpuUsageCores(),
                usage.getCpuRequestsCores(),
                usage.getMemoryBytes(),
                usage.getMemoryUsageBytes(),
                usage.getMemoryRequestsBytes());
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
