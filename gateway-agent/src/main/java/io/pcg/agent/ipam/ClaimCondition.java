package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pcg.agent.kube.Fields;
import io.pcg.common.net.Ip;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The claim's {@code Ready} condition (CAPI v1beta2 condition shape) and its reasons. The allocator writes status
 * only when the condition or the address really changes, so waiting claims cost no writes.
 *
 * @param addressName the IPAddress answering the claim, null while none
 */
record ClaimCondition(boolean ready, String reason, String message, String addressName) {

    static final String TYPE = "Ready";
    static final String ALLOCATED = "Allocated";
    static final String POOL_EXHAUSTED = "PoolExhausted";
    static final String POOL_NOT_FOUND = "PoolNotFound";
    static final String POOL_INVALID = "PoolInvalid";
    static final String POOL_RESERVED = "PoolReservedForAnotherCluster";
    static final String CLUSTER_NAME_MISSING = "ClusterNameMissing";
    static final String REQUESTED_ADDRESS_UNAVAILABLE = "RequestedAddressUnavailable";

    static ClaimCondition allocated(String addressName, Ip address, Pool pool) {
        return new ClaimCondition(
                true,
                ALLOCATED,
                "address " + address + "/" + pool.prefix() + " allocated from pool " + pool.name(),
                addressName);
    }

    static ClaimCondition failed(String reason, String message) {
        return new ClaimCondition(false, reason, message, null);
    }

    /** True when the claim already shows exactly this outcome. */
    boolean shownOn(GenericKubernetesResource claim) {
        Map<String, Object> current = current(claim);
        return current != null
                && Objects.equals(current.get("status"), statusText())
                && Objects.equals(current.get("reason"), reason)
                && Objects.equals(current.get("message"), message)
                && Objects.equals(Fields.text(claim, "status", "addressRef", "name"), addressName);
    }

    /** The claim's whole new status: other fields and conditions kept, Ready and addressRef set. */
    Map<String, Object> status(GenericKubernetesResource claim, Instant now) {
        Map<String, Object> current = current(claim);
        String transition = current != null
                        && statusText().equals(current.get("status"))
                        && current.get("lastTransitionTime") != null
                ? current.get("lastTransitionTime").toString()
                : now.truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", TYPE);
        condition.put("status", statusText());
        condition.put("reason", reason);
        condition.put("message", message);
        condition.put("lastTransitionTime", transition);
        Long generation = claim.getMetadata().getGeneration();
        if (generation != null) {
            condition.put("observedGeneration", generation);
        }
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (Map<String, Object> other : Fields.list(claim, "status", "conditions")) {
            if (!TYPE.equals(other.get("type"))) {
                conditions.add(other);
            }
        }
        conditions.add(condition);
        Map<String, Object> status = new LinkedHashMap<>();
        if (Fields.value(claim, "status") instanceof Map<?, ?> existing) {
            existing.forEach((key, value) -> status.put(key.toString(), value));
        }
        status.put("conditions", conditions);
        if (addressName == null) {
            status.remove("addressRef");
        } else {
            status.put("addressRef", Map.of("name", addressName));
        }
        return status;
    }

    private String statusText() {
        return ready ? "True" : "False";
    }

    private static Map<String, Object> current(GenericKubernetesResource claim) {
        for (Map<String, Object> condition : Fields.list(claim, "status", "conditions")) {
            if (TYPE.equals(condition.get("type"))) {
                return condition;
            }
        }
        return null;
    }
}
