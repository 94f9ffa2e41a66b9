package io.pcg.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.testkit.kube.UpstreamCrds;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrdSchemaValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CrdSchemaValidator validator() throws Exception {
        JsonNode crd = JSON.readTree("""
                {"kind":"CustomResourceDefinition","spec":{"group":"example.io","names":{"kind":"Widget"},"versions":[
                  {"name":"v1","schema":{"openAPIV3Schema":{"type":"object","properties":{
                    "apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
                    "spec":{"type":"object","required":["size"],"properties":{
                      "size":{"type":"integer","format":"int32","maximum":10},
                      "note":{"type":"string","nullable":true},
                      "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"string"}}},
                      "labels":{"type":"object","additionalProperties":{"type":"string"}}}}}}}}]}}
                """);
        return CrdSchemaValidator.fromDefinitions(List.of(crd));
    }

    private static JsonNode widget(String spec) throws Exception {
        return JSON.readTree(
                "{\"apiVersion\":\"example.io/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\",\"anything\":1},\"spec\":"
                        + spec + "}");
    }

    @Test
    void acceptsAValidObjectIncludingPreservedAndMapFields() throws Exception {
        assertThat(validator()
                        .validate(widget("{\"size\":3,\"note\":null,\"extra\":{\"free\":1},\"labels\":{\"a\":\"b\"}}")))
                .isEmpty();
    }

    @Test
    void unknownFieldMissingRequiredAndWrongTypeAreErrors() throws Exception {
        assertThat(validator().validate(widget("{\"sise\":3}")))
                .hasSize(2)
                .anySatisfy(problem -> assertThat(problem).contains("sise"))
                .anySatisfy(problem -> assertThat(problem).contains("size"));
        assertThat(validator().validate(widget("{\"size\":\"3\"}")))
                .singleElement()
                .asString()
                .contains("size");
        assertThat(validator().validate(widget("{\"size\":11}")))
                .singleElement()
                .asString()
                .contains("10");
    }

    @Test
    void unknownKindIsAnError() throws Exception {
        assertThat(validator().validate(JSON.readTree("{\"apiVersion\":\"example.io/v2\",\"kind\":\"Widget\"}")))
                .singleElement()
                .asString()
                .contains("no CustomResourceDefinition schema is loaded for Widget example.io/v2");
        assertThatThrownBy(() -> validator().requireValid(widget("{}")))
                .hasMessageContaining("Widget 'w' does not match");
    }

    @Test
    void loadsEveryUpstreamCrd() {
        CrdSchemaValidator upstream = CrdSchemaValidator.fromDefinitions(UpstreamCrds.definitions());
        assertThat(upstream.knows("ipam.cluster.x-k8s.io/v1alpha2", "InClusterIPPool"))
                .isTrue();
        assertThat(upstream.knows("ipam.cluster.x-k8s.io/v1beta2", "IPAddressClaim"))
                .isTrue();
        assertThat(upstream.knows("infrastructure.cluster.x-k8s.io/v1beta1", "VSphereMachineTemplate"))
                .isTrue();
        assertThat(upstream.knows("cluster.x-k8s.io/v1beta2", "Cluster")).isTrue();
    }
}
