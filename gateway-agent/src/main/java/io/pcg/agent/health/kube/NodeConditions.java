package io.pcg.agent.health.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.events.SafeText;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * A node's conditions as the console gets them: the five the product guide names, as Kubernetes reports them, their
 * texts through {@link SafeText} (a node problem detector may quote anything). Pure.
 */
public final class NodeConditions {

    /** The conditions the health verdict is judged on; kubelets may report others (and vendors' detectors do). */
    static final Set<String> WATCHED =
            Set.of("Ready", "DiskPressure", "MemoryPressure", "PIDPressure", "NetworkUnavailable");

    private NodeConditions() {}

    public static List<Condition> of(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return List.of();
        }
        return node.getStatus().getConditions().stream()
                .filter(condition -> WATCHED.contains(condition.getType()))
                .map(NodeConditions::condition)
                .toList();
    }

    private static Condition condition(NodeCondition condition) {
        Condition.Builder builder = Condition.newBuilder()
                .setType(condition.getType())
                .setStatus(status(condition.getStatus()))
                .setReason(SafeText.of(condition.getReason()))
                .setMessage(SafeText.of(condition.getMessage()));
        if (condition.getLastTransitionTime() != null) {
            try {
                builder.setLastTransitionTime(
                        EventPublisher.timestamp(Instant.parse(condition.getLastTransitionTime())));
            } catch (DateTimeParseException e) {
                // Not RFC 3339: the time is left out rather than the condition.
            }
        }
        return builder.build();
    }

    private static ConditionStatus status(String status) {
        if ("True".equals(status)) {
            return ConditionStatus.CONDITION_STATUS_TRUE;
        }
        return "False".equals(status)
                ? ConditionStatus.CONDITION_STATUS_FALSE
                : ConditionStatus.CONDITION_STATUS_UNKNOWN;
    }
}
