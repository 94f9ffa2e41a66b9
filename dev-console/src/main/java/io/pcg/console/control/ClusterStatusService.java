package io.pcg.console.control;

import com.google.protobuf.Timestamp;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway clusters' statuses as their agents report them: the latest one per gateway is kept with the gateway
 * record (so it survives a console restart), and every change of state is recorded as a console event.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ClusterStatusService {

    /** Reason of the console event recorded for every change of cluster state. */
    public static final String STATE_CHANGED = "ClusterStateChanged";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStatusService.class);

    private final GatewayStore store;
    private final GatewayEvents events;
    private final Clock clock;

    public ClusterStatusService(GatewayStore store, GatewayEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Keeps the reported status as the gateway's latest; a different state than before is an event. */
    void record(String gatewayId, ClusterStatus status) {
        ClusterStatusRecord received = toRecord(status, clock.instant());
        AtomicReference<ClusterStatusRecord> before = new AtomicReference<>();
        store.update(gatewayId, gateway -> {
            before.set(gateway.cluster());
            return gateway.withCluster(received);
        });
        String previous = before.get() == null ? null : before.get().state();
        if (received.state().equals(previous)) {
            return;
        }
        String message = "Gateway cluster is " + received.state()
                + (previous == null ? "" : " (was " + previous + ")")
                + (received.managementCluster().isEmpty()
                        ? ""
                        : "; Cluster API objects on the " + received.managementCluster() + " cluster")
                + failing(received);
        LOG.info("Gateway {}: {}", gatewayId, message);
        events.recordFromConsole(
                gatewayId, "Failed".equals(received.state()) ? "Error" : "Info", STATE_CHANGED, message);
    }

    /** What is wrong, in the words of the first condition that does not hold. */
    private static String failing(ClusterStatusRecord status) {
        return status.conditions().stream()
                .filter(condition -> "False".equals(condition.status()))
                .findFirst()
                .map(condition -> "; " + condition.type() + ": " + condition.message())
                .orElse("");
    }

    private static ClusterStatusRecord toRecord(ClusterStatus status, Instant receivedAt) {
        return new ClusterStatusRecord(
                state(status),
                status.getConditionsList().stream()
                        .map(ClusterStatusService::condition)
                        .toList(),
                status.getNodesList().stream().map(ClusterStatusService::node).toList(),
                status.getManagementCluster(),
                status.hasObservedAt() ? instant(status.getObservedAt()) : null,
                receivedAt);
    }

    private static String state(ClusterStatus status) {
        return switch (status.getState()) {
            case CLUSTER_STATE_PENDING -> "Pending";
            case CLUSTER_STATE_PROVISIONING -> "Provisioning";
            case CLUSTER_STATE_RUNNING -> "Running";
            case CLUSTER_STATE_FAILED -> "Failed";
            case CLUSTER_STATE_RESETTING -> "Resetting";
            case CLUSTER_STATE_UPGRADING -> "Upgrading";
            case CLUSTER_STATE_UNSPECIFIED, UNRECOGNIZED -> "Unknown";
        };
    }

    static ClusterStatusRecord.Condition condition(Condition condition) {
        return new ClusterStatusRecord.Condition(
                condition.getType(),
                conditionStatus(condition.getStatus()),
                condition.getReason(),
                condition.getMessage(),
                condition.hasLastTransitionTime() ? instant(condition.getLastTransitionTime()) : null);
    }

    private static String conditionStatus(ConditionStatus status) {
        return switch (status) {
            case CONDITION_STATUS_TRUE -> "True";
            case CONDITION_STATUS_FALSE -> "False";
            case CONDITION_STATUS_UNKNOWN, CONDITION_STATUS_UNSPECIFIED, UNRECOGNIZED -> "Unknown";
        };
    }

    private static ClusterStatusRecord.Node node(ClusterNode node) {
        return new ClusterStatusRecord.Node(node.getName(), node.getIp(), node.getRole(), node.getReady());
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
