package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulator: metav1.Condition lists as CAPI v1beta2 writes them: every condition carries type, status, reason,
 * message and lastTransitionTime (all required by the CRDs), and lastTransitionTime only moves when the status does.
 */
final class Conditions {

    static final String TRUE = "True";
    static final String FALSE = "False";
    static final String UNKNOWN = "Unknown";

    private Conditions() {}

    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static Map<String, Object> get(Map<String, Object> status, String type) {
        for (Map<String, Object> condition : Obj.maps(status, "conditions")) {
            if (type.equals(condition.get("type"))) {
                return condition;
            }
        }
        return null;
    }

    static Map<String, Object> get(GenericKubernetesResource resource, String type) {
        return get(Obj.map(resource, "status"), type);
    }

    static String status(GenericKubernetesResource resource, String type) {
        Map<String, Object> condition = get(resource, type);
        return condition == null ? null : (String) condition.get("status");
    }

    static boolean isTrue(GenericKubernetesResource resource, String type) {
        return TRUE.equals(status(resource, type));
    }

    static boolean isTrue(Map<String, Object> status, String type) {
        Map<String, Object> condition = get(status, type);
        return condition != null && TRUE.equals(condition.get("status"));
    }

    static String message(GenericKubernetesResource resource, String type) {
        Map<String, Object> condition = get(resource, type);
        return condition == null ? "" : String.valueOf(condition.getOrDefault("message", ""));
    }

    static void set(
            Map<String, Object> status, String type, boolean value, String reason, String message, Instant now) {
        set(status, type, value ? TRUE : FALSE, reason, message, now);
    }

    /** Sets one condition in a mutable status map (keeping the others). */
    static void set(Map<String, Object> status, String type, String value, String reason, String message, Instant now) {
        List<Object> conditions = new ArrayList<>(Obj.list(status, "conditions"));
        Map<String, Object> updated = new LinkedHashMap<>();
        updated.put("type", type);
        updated.put("status", value);
        updated.put("reason", reason);
        updated.put("message", message == null ? "" : message);
        String transition = timestamp(now);
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i) instanceof Map<?, ?> existing && type.equals(existing.get("type"))) {
                if (value.equals(existing.get("status")) && existing.get("lastTransitionTime") != null) {
                    transition = String.valueOf(existing.get("lastTransitionTime"));
                }
                updated.put("lastTransitionTime", transition);
                conditions.set(i, updated);
                status.put("conditions", conditions);
                return;
            }
        }
        updated.put("lastTransitionTime", transition);
        conditions.add(updated);
        status.put("conditions", conditions);
    }

    /** Copies a condition of another object under {@code type}; {@code fallback} when the source has none. */
    static void mirror(
            Map<String, Object> status,
            String type,
            GenericKubernetesResource source,
            String sourceType,
            String fallbackStatus,
            String fallbackReason,
            String fallbackMessage,
            Instant now) {
        Map<String, Object> condition = source == null ? null : get(source, sourceType);
        if (condition == null) {
            set(status, type, fallbackStatus, fallbackReason, fallbackMessage, now);
        } else {
            set(
                    status,
                    type,
                    String.valueOf(condition.get("status")),
                    String.valueOf(condition.get("reason")),
                    String.valueOf(condition.getOrDefault("message", "")),
                    now);
        }
    }

    /**
     * A summary as CAPI's conditions.NewSummaryCondition computes it: False if any input is bad, else Unknown if any
     * is unknown or missing, else True. {@code negative} inputs are good when False (Deleting, Updating).
     */
    static void summarize(
            Map<String, Object> status,
            String type,
            List<String> positive,
            List<String> negative,
            String trueReason,
            String falseReason,
            String unknownReason,
            Instant now) {
        List<String> bad = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String input : positive) {
            Map<String, Object> condition = get(status, input);
            if (condition == null) {
                unknown.add("* " + input + ": Condition not yet reported");
            } else if (FALSE.equals(condition.get("status"))) {
                bad.add(line(input, condition));
            } else if (UNKNOWN.equals(condition.get("status"))) {
                unknown.add(line(input, condition));
            }
        }
        for (String input : negative) {
            Map<String, Object> condition = get(status, input);
            if (condition != null && TRUE.equals(condition.get("status"))) {
                bad.add(line(input, condition));
            } else if (condition != null && UNKNOWN.equals(condition.get("status"))) {
                unknown.add(line(input, condition));
            }
        }
        if (!bad.isEmpty()) {
            List<String> all = new ArrayList<>(bad);
            all.addAll(unknown);
            set(status, type, FALSE, falseReason, String.join("\n", all), now);
        } else if (!unknown.isEmpty()) {
            set(status, type, UNKNOWN, unknownReason, String.join("\n", unknown), now);
        } else {
            set(status, type, TRUE, trueReason, "", now);
        }
    }

    private static String line(String type, Map<String, Object> condition) {
        Object message = condition.get("message");
        String text = message == null || message.toString().isBlank()
                ? String.valueOf(condition.get("reason"))
                : message.toString();
        return "* " + type + ": " + text.replace("\n", "\n  ");
    }
}
