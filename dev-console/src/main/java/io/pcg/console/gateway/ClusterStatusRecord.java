package io.pcg.console.gateway;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * The gateway cluster as its agent last reported it ({@code pcg.v1.ClusterStatus}), kept with the gateway record
 * and shown by the admin API. Words are the ones operators see: states Pending, Provisioning, Running, Failed,
 * Resetting; condition statuses True, False, Unknown.
 *
 * @param state             where the cluster is in its life
 * @param conditions        health details, Kubernetes style
 * @param nodes             the cluster's nodes
 * @param managementCluster where its Cluster API objects live: "bootstrap", "gateway", or empty
 * @param observedAt        when the agent took the status (agent's clock)
 * @param receivedAt        when the console got it
 *
 * <p>Empty texts are normalised to {@code ""}: the record file leaves them out, and reading it back must give the
 * same record.
 */
@Serdeable
public record ClusterStatusRecord(
        String state,
        List<Condition> conditions,
        List<Node> nodes,
        String managementCluster,
        @Nullable Instant observedAt,
        Instant receivedAt) {

    public ClusterStatusRecord {
        state = text(state);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        managementCluster = text(managementCluster);
    }

    /** One condition; {@code lastTransitionTime} is when its status last changed. */
    @Serdeable
    public record Condition(
            String type,
            String status,
            String reason,
            String message,
            @Nullable Instant lastTransitionTime) {
        public Condition {
            type = text(type);
            status = text(status);
            reason = text(reason);
            message = text(message);
        }
    }

    /** One node; {@code ip} is empty until it has an address. */
    @Serdeable
    public record Node(String name, String ip, String role, boolean ready) {
        public Node {
            name = text(name);
            ip = text(ip);
            role = text(role);
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
