package io.pcg.agent.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 6902 patches. JSON merge patch is not used because lists (finalizers, conditions) must be replaced, not
 * merged, and a patch carrying {@code /metadata/resourceVersion} makes the API server refuse (409) a change based on
 * a stale read: optimistic concurrency without a full update.
 */
public final class JsonPatch {

    public static final PatchContext CONTEXT = PatchContext.of(PatchType.JSON);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Map<String, Object>> operations = new ArrayList<>();

    /**
     * What to hand fabric8's {@code resource(...)} for a patch of {@code read}: the object's identity and nothing else.
     * fabric8 needs an object only for the URL, yet copies it (a JSON write and read of the whole object) before every
     * patch, and GETs a bare {@code withName(...)} first; the patch itself carries every condition.
     */
    public static GenericKubernetesResource target(GenericKubernetesResource read) {
        return identity(
                read.getApiVersion(),
                read.getKind(),
                read.getMetadata().getNamespace(),
                read.getMetadata().getName());
    }

    /** {@link #target(GenericKubernetesResource)} for an object known by kind, namespace and name. */
    public static GenericKubernetesResource target(ResourceDefinitionContext kind, String namespace, String name) {
        return identity(kind.getGroup() + "/" + kind.getVersion(), kind.getKind(), namespace, name);
    }

    private static GenericKubernetesResource identity(String apiVersion, String kind, String namespace, String name) {
        GenericKubernetesResource target = new GenericKubernetesResource();
        target.setApiVersion(apiVersion);
        target.setKind(kind);
        target.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return target;
    }

    /** Fails with 409 unless the object still has the resourceVersion it was read at. */
    public static JsonPatch basedOn(GenericKubernetesResource read) {
        return new JsonPatch()
                .op("replace", "/metadata/resourceVersion", read.getMetadata().getResourceVersion());
    }

    public static JsonPatch unconditional() {
        return new JsonPatch();
    }

    /** Adds or replaces one annotation, creating the annotations map when the object has none. */
    public JsonPatch setAnnotation(GenericKubernetesResource read, String name, String value) {
        if (read.getMetadata().getAnnotations() == null
                || read.getMetadata().getAnnotations().isEmpty()) {
            return op("add", "/metadata/annotations", Map.of(name, value));
        }
        return op("add", annotationPath(name), value);
    }

    public JsonPatch removeAnnotation(String name) {
        return op("remove", annotationPath(name), null);
    }

    /**
     * Makes the API server refuse the whole patch (422) unless the annotation has exactly this value: a condition on
     * one field, where {@link #basedOn} conditions on any change of the object.
     */
    public JsonPatch requireAnnotation(String name, String value) {
        return op("test", annotationPath(name), value);
    }

    /**
     * Makes the API server refuse the whole patch (422) unless it is applied to this very object, not to another one
     * created under the same name since it was read.
     */
    public JsonPatch requireUid(String uid) {
        return op("test", "/metadata/uid", uid);
    }

    /** Adds or replaces one annotation of an object known to have annotations (e.g. after {@link #requireAnnotation}). */
    public JsonPatch setExistingAnnotation(String name, String value) {
        return op("add", annotationPath(name), value);
    }

    public JsonPatch setFinalizers(List<String> finalizers) {
        return op("add", "/metadata/finalizers", finalizers);
    }

    public JsonPatch set(String path, Object value) {
        return op("add", path, value);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(operations);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a patch", e);
        }
    }

    private JsonPatch op(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        if (!"remove".equals(op)) {
            operation.put("value", value);
        }
        operations.add(operation);
        return this;
    }

    private static String annotationPath(String name) {
        return "/metadata/annotations/" + name.replace("~", "~0").replace("/", "~1");
    }
}
