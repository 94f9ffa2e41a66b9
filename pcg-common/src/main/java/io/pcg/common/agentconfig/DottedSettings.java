package io.pcg.common.agentconfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed configuration document by dotted setting name, as Micronaut reads it: {@code micronaut: server: port: 8899}
 * and {@code micronaut.server.port: 8899} (and any mix) both give {@code micronaut.server.port}. The agent, the
 * installer and the CLI parse agent.yml each with their own YAML reader; the names are read the same way by all.
 */
public final class DottedSettings {

    private DottedSettings() {}

    /** Every leaf value of {@code document} by its dotted name, in document order. */
    public static Map<String, Object> of(Map<?, ?> document) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", document, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat) {
        map.forEach((key, value) -> {
            String name = prefix + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name + ".", nested, flat);
            } else {
                flat.put(name, value);
            }
        });
    }
}
