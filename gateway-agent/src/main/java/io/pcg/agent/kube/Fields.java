package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/** Reads nested fields of untyped Kubernetes objects without a cascade of casts. */
public final class Fields {

    private Fields() {}

    public static Object value(GenericKubernetesResource resource, String... path) {
        Object current = resource.getAdditionalProperties();
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    public static String text(GenericKubernetesResource resource, String... path) {
        Object value = value(resource, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(GenericKubernetesResource resource, String... path) {
        Object value = value(resource, path);
        return value instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    public static String annotation(GenericKubernetesResource resource, String name) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    public static String label(GenericKubernetesResource resource, String name) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels == null ? null : labels.get(name);
    }
}
