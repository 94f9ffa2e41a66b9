package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pcg.agent.kube.Fields;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node Cluster API relaunches because it failed the gateway cluster's MachineHealthCheck, read from its Machine
 * the way CAPI v1beta2 writes it: the MachineHealthCheck controller sets {@code HealthCheckSucceeded} False with why
 * (e.g. {@code UnhealthyNode}, {@code NodeStartupTimeout}) and adds {@code OwnerRemediated} when it hands the machine
 * to its owner (the KubeadmControlPlane) for replacement. A failed check without {@code OwnerRemediated} (a paused
 * cluster) relaunches nothing and is not one.
 *
 * @param machine the Machine's name
 * @param reason  {@code HealthCheckSucceeded}'s reason
 * @param message its message on one line, e.g. "Health check failed: * Condition Ready on Node is reporting status
 *                Unknown for more than 10m0s"
 * @param since   when the check failed (the condition's {@code lastTransitionTime}, RFC 3339)
 */
record NodeRemediation(String machine, String reason, String message, String since) {

    static final String HEALTH_CHECK_SUCCEEDED = "HealthCheckSucceeded";
    static final String OWNER_REMEDIATED = "OwnerRemediated";

    /** Oldest first; machines that failed at the same second by name. */
    static final Comparator<NodeRemediation> ORDER =
            Comparator.comparing(NodeRemediation::failedAt).thenComparing(NodeRemediation::machine);

    /** The remediation under way for {@code machine}, if any. */
    static Optional<NodeRemediation> of(GenericKubernetesResource machine) {
        Map<String, Object> check = condition(machine, HEALTH_CHECK_SUCCEEDED);
        if (check == null || !"False".equals(check.get("status")) || condition(machine, OWNER_REMEDIATED) == null) {
            return Optional.empty();
        }
        return Optional.of(new NodeRemediation(
                machine.getMetadata().getName(),
                text(check, "reason"),
                text(check, "message").replaceAll("\\s+", " ").strip(),
                text(check, "lastTransitionTime")));
    }

    /** Comes after {@code earlier} in {@link #ORDER}: a remediation not reported yet if {@code earlier} was the last. */
    boolean isAfter(NodeRemediation earlier) {
        return earlier == null || ORDER.compare(this, earlier) > 0;
    }

    /** What the event says. */
    String describe() {
        return "relaunching node " + machine + ": it failed its health check (" + reason
                + (message.isEmpty() ? "" : ": " + message) + ")";
    }

    private Instant failedAt() {
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH; // the CRD requires the time; an object without it sorts first rather than failing
        }
    }

    private static Map<String, Object> condition(GenericKubernetesResource machine, String type) {
        return Fields.list(machine, "status", "conditions").stream()
                .filter(c -> Objects.equals(type, c.get("type")))
                .findFirst()
                .orElse(null);
    }

    private static String text(Map<String, Object> condition, String key) {
        Object value = condition.get(key);
        return value == null ? "" : value.toString();
    }
}
