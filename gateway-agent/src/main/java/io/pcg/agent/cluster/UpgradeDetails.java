package io.pcg.agent.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One rolling upgrade of the gateway cluster, as the console's "Upgrade details" show it: what changed from what to
 * what, who or what asked, when it was asked for and when it was done.
 *
 * @param changes     what changes, in the order Kubernetes version, node template, agent version
 * @param requestedBy who or what triggered it
 * @param requestedAt when the agent accepted it
 * @param completedAt when every node ran the new version; null while it runs
 */
record UpgradeDetails(List<Change> changes, String requestedBy, Instant requestedAt, Instant completedAt) {

    /** Upgrades kept in the gateway's record, newest last. */
    static final int KEPT = 20;

    UpgradeDetails {
        changes = List.copyOf(changes);
    }

    /** @param item {@code kubernetesVersion}, {@code nodeTemplate} or {@code agentVersion} */
    record Change(String item, String from, String to) {}

    Optional<String> to(String item) {
        return changes.stream()
                .filter(change -> change.item().equals(item))
                .map(Change::to)
                .findFirst();
    }

    /** Changes the nodes: a new Kubernetes version or node image rolls every node; a new agent only its Deployment. */
    boolean rollsNodes() {
        return to(UpgradeRequest.KUBERNETES_VERSION).isPresent()
                || to(UpgradeRequest.NODE_TEMPLATE).isPresent();
    }

    UpgradeDetails completed(Instant now) {
        return new UpgradeDetails(changes, requestedBy, requestedAt, now);
    }

    /** E.g. "kubernetesVersion v1.34.4 → v1.35.0, agentVersion 0.1.0 → 0.2.0". */
    String describe() {
        return changes.stream()
                .map(change -> change.item() + " " + change.from() + " → " + change.to())
                .collect(Collectors.joining(", "));
    }
}
