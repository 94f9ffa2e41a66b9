package io.pcg.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates rendered manifests against the {@code openAPIV3Schema} of their CustomResourceDefinitions, strictly:
 * wherever a schema lists {@code properties} and does not say {@code x-kubernetes-preserve-unknown-fields}, unknown
 * fields are errors (the API server would silently drop them, so a typo would go unnoticed). CEL rules are not
 * evaluated and {@code metadata} is only checked to be an object, as with any JSON-schema validator.
 */
public final class CrdSchemaValidator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private final Map<String, JsonSchema> schemasByApiVersionAndKind;

    private CrdSchemaValidator(Map<String, JsonSchema> schemasByApiVersionAndKind) {
        this.schemasByApiVersionAndKind = Map.copyOf(schemasByApiVersionAndKind);
    }

    public static CrdSchemaValidator fromDefinitions(Collection<JsonNode> definitions) {
        Map<String, JsonSchema> schemas = new HashMap<>();
        for (JsonNode definition : definitions) {
            String group = definition.path("spec").path("group").asText();
            String kind = definition.path("spec").path("names").path("kind").asText();
            for (JsonNode version : definition.path("spec").path("versions")) {
                JsonNode schema = version.path("schema").path("openAPIV3Schema");
                if (schema.isMissingNode()) {
                    continue;
                }
                String apiVersion = group + "/" + version.path("name").asText();
                schemas.put(key(apiVersion, kind), FACTORY.getSchema(strict(schema.deepCopy()), CONFIG));
            }
        }
        return new CrdSchemaValidator(schemas);
    }

    public boolean knows(String apiVersion, String kind) {
        return schemasByApiVersionAndKind.containsKey(key(apiVersion, kind));
    }

    /**
     * @param manifest a fabric8 resource, a map or a JsonNode
     * @return the problems found, each as {@code $.path: message}; empty when valid
     */
    public List<String> validate(Object manifest) {
        JsonNode node = manifest instanceof JsonNode json ? json : JSON.valueToTree(manifest);
        String apiVersion = node.path("apiVersion").asText();
        String kind = node.path("kind").asText();
        JsonSchema schema = schemasByApiVersionAndKind.get(key(apiVersion, kind));
        if (schema == null) {
            return List.of("no CustomResourceDefinition schema is loaded for " + kind + " " + apiVersion);
        }
        return schema.validate(node).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    /** @throws IllegalArgumentException listing every problem, when the manifest does not match its schema */
    public void requireValid(Object manifest) {
        List<String> problems = validate(manifest);
        if (!problems.isEmpty()) {
            JsonNode node = manifest instanceof JsonNode json ? json : JSON.valueToTree(manifest);
            throw new IllegalArgumentException(node.path("kind").asText() + " '"
                    + node.path("metadata").path("name").asText() + "' does not match its CRD schema: "
                    + String.join("; ", problems));
        }
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + "#" + kind;
    }

    /** Rewrites a structural schema for a draft-4 validator, closing every object that lists its properties. */
    static JsonNode strict(JsonNode schema) {
        if (schema instanceof ObjectNode object) {
            boolean preservesUnknown =
                    object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            boolean nullable = object.path("nullable").asBoolean(false);
            List<String> vendorKeys = new ArrayList<>();
            object.fieldNames().forEachRemaining(name -> {
                if (name.startsWith("x-kubernetes-") || name.equals("nullable") || name.equals("description")) {
                    vendorKeys.add(name);
                }
            });
            object.remove(vendorKeys);
            String format = object.path("format").asText("");
            if (!format.isEmpty() && !format.equals("date-time")) {
                // int32/int64/byte/... are OpenAPI hints, not draft-4 formats.
                object.remove("format");
            }
            if (nullable && object.has("type")) {
                ArrayNode types = JsonNodeFactory.instance
                        .arrayNode()
                        .add(object.get("type"))
                        .add("null");
                object.set("type", types);
            }
            object.properties().forEach(entry -> {
                if (entry.getKey().equals("properties")) {
                    entry.getValue().properties().forEach(property -> strict(property.getValue()));
                } else {
                    strict(entry.getValue());
                }
            });
            if (object.has("properties") && !preservesUnknown && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
        } else if (schema instanceof ArrayNode array) {
            array.forEach(CrdSchemaValidator::strict);
        }
        return schema;
    }
}
