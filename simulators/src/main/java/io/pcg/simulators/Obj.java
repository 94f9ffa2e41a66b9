package io.pcg.simulators;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Simulator: reading and writing fields of untyped objects (the upstream kinds have no Java types here). */
final class Obj {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Obj() {}

    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static Object at(GenericKubernetesResource resource, String... path) {
        return at(resource.getAdditionalProperties(), path);
    }

    static String text(Object root, String... path) {
        Object value = root instanceof GenericKubernetesResource r ? at(r, path) : at(root, path);
        return value == null ? null : value.toString();
    }

    static boolean isTrue(Object root, String... path) {
        Object value = root instanceof GenericKubernetesResource r ? at(r, path) : at(root, path);
        return Boolean.TRUE.equals(value);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String... path) {
        Object value = root instanceof GenericKubernetesResource r ? at(r, path) : at(root, path);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String... path) {
        Object value = root instanceof GenericKubernetesResource r ? at(r, path) : at(root, path);
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object root, String... path) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object item : list(root, path)) {
            if (item instanceof Map<?, ?> map) {
                result.add((Map<String, Object>) map);
            }
        }
        return result;
    }

    /** The child map {@code key} of {@code parent}, created (mutable) if missing. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value instanceof Map<?, ?> map) {
            if (!(map instanceof LinkedHashMap<?, ?>)) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
                parent.put(key, copy);
                return copy;
            }
            return (Map<String, Object>) map;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    static Map<String, Object> spec(GenericKubernetesResource resource) {
        return child(resource.getAdditionalProperties(), "spec");
    }

    /** A deep, mutable copy of the object's status (empty if it has none). */
    static Map<String, Object> statusCopy(GenericKubernetesResource resource) {
        return deepCopy(map(resource, "status"));
    }

    static Map<String, Object> deepCopy(Map<String, Object> map) {
        return JSON.convertValue(map, new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    static GenericKubernetesResource copy(GenericKubernetesResource resource) {
        return JSON.convertValue(JSON.convertValue(resource, Map.class), GenericKubernetesResource.class);
    }

    /** Compares JSON-like trees, treating all integral numbers alike. */
    static boolean sameJson(Object a, Object b) {
        return Objects.equals(JSON.valueToTree(a), JSON.valueToTree(b));
    }

    static String name(HasMetadata resource) {
        return resource.getMetadata().getName();
    }

    static String namespace(HasMetadata resource) {
        return resource.getMetadata().getNamespace();
    }

    static String label(HasMetadata resource, String key) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    static String annotation(HasMetadata resource, String key) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    static boolean hasAnnotation(HasMetadata resource, String key) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(key);
    }

    static boolean deleting(HasMetadata resource) {
        return resource.getMetadata().getDeletionTimestamp() != null;
    }

    static boolean hasFinalizer(HasMetadata resource, String finalizer) {
        List<String> finalizers = resource.getMetadata().getFinalizers();
        return finalizers != null && finalizers.contains(finalizer);
    }

    /** Adds the finalizer to the (copied) object; true if it was missing. */
    static boolean addFinalizer(HasMetadata resource, String finalizer) {
        List<String> finalizers = new ArrayList<>(
                resource.getMetadata().getFinalizers() == null
                        ? List.of()
                        : resource.getMetadata().getFinalizers());
        if (finalizers.contains(finalizer)) {
            return false;
        }
        finalizers.add(finalizer);
        resource.getMetadata().setFinalizers(finalizers);
        return true;
    }

    static boolean removeFinalizer(HasMetadata resource, String finalizer) {
        List<String> finalizers = new ArrayList<>(
                resource.getMetadata().getFinalizers() == null
                        ? List.of()
                        : resource.getMetadata().getFinalizers());
        boolean removed = finalizers.remove(finalizer);
        resource.getMetadata().setFinalizers(finalizers);
        return removed;
    }

    static boolean putLabel(HasMetadata resource, String key, String value) {
        Map<String, String> labels = new LinkedHashMap<>(
                resource.getMetadata().getLabels() == null
                        ? Map.of()
                        : resource.getMetadata().getLabels());
        if (Objects.equals(labels.get(key), value) && labels.containsKey(key)) {
            return false;
        }
        labels.put(key, value);
        resource.getMetadata().setLabels(labels);
        return true;
    }

    static OwnerReference ownerRef(HasMetadata owner, boolean controller) {
        OwnerReferenceBuilder builder = new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid());
        if (controller) {
            builder.withController(true).withBlockOwnerDeletion(true);
        }
        return builder.build();
    }

    /**
     * Ensures {@code ref} is among the object's owners (matched by kind and name, as CAPI's EnsureOwnerRef does: an
     * owner of the same kind and name with a stale UID or version is replaced). True if anything changed.
     */
    static boolean ensureOwnerRef(HasMetadata resource, OwnerReference ref) {
        List<OwnerReference> refs = new ArrayList<>(
                resource.getMetadata().getOwnerReferences() == null
                        ? List.of()
                        : resource.getMetadata().getOwnerReferences());
        for (int i = 0; i < refs.size(); i++) {
            OwnerReference existing = refs.get(i);
            if (sameGroup(existing.getApiVersion(), ref.getApiVersion())
                    && existing.getKind().equals(ref.getKind())
                    && existing.getName().equals(ref.getName())) {
                if (Objects.equals(existing.getUid(), ref.getUid())
                        && existing.getApiVersion().equals(ref.getApiVersion())
                        && Objects.equals(
                                Boolean.TRUE.equals(existing.getController()),
                                Boolean.TRUE.equals(ref.getController()))) {
                    return false;
                }
                refs.set(i, ref);
                resource.getMetadata().setOwnerReferences(refs);
                return true;
            }
        }
        if (Boolean.TRUE.equals(ref.getController())) {
            // only one controller: another controller reference stays, this one is added as a plain owner
            boolean hasController = refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()));
            if (hasController) {
                ref = new OwnerReferenceBuilder(ref)
                        .withController(null)
                        .withBlockOwnerDeletion(null)
                        .build();
            }
        }
        refs.add(ref);
        resource.getMetadata().setOwnerReferences(refs);
        return true;
    }

    static OwnerReference owner(HasMetadata resource, Kind kind) {
        List<OwnerReference> refs = resource.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        for (OwnerReference ref : refs) {
            if (kind == Kind.of(ref.getApiVersion(), ref.getKind())) {
                return ref;
            }
        }
        return null;
    }

    static boolean hasControllerOwner(HasMetadata resource) {
        List<OwnerReference> refs = resource.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()));
    }

    private static boolean sameGroup(String apiVersionA, String apiVersionB) {
        return group(apiVersionA).equals(group(apiVersionB));
    }

    static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
