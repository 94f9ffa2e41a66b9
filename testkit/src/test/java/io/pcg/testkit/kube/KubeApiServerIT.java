package io.pcg.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KubeApiServerExtension.class)
class KubeApiServerIT {

    private static final ResourceDefinitionContext POOLS = new ResourceDefinitionContext.Builder()
            .withGroup("ipam.cluster.x-k8s.io")
            .withVersion("v1alpha2")
            .withKind("InClusterIPPool")
            .withPlural("inclusterippools")
            .withNamespaced(true)
            .build();

    private static GenericKubernetesResource pool(String namespace, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("ipam.cluster.x-k8s.io/v1alpha2")
                .withKind("InClusterIPPool")
                .withNewMetadata()
                .withName("nodes")
                .withNamespace(namespace)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    @Test
    void upstreamCrdsAreInstalledWithTheirLabels(KubernetesClient client) {
        var crd = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("clusters.cluster.x-k8s.io")
                .get();
        assertThat(crd.getMetadata().getLabels())
                .containsEntry(UpstreamCrds.CLUSTERCTL_LABEL, "")
                .containsEntry(UpstreamCrds.PROVIDER_LABEL, "cluster-api");
        assertThat(client.getApiGroups().getGroups())
                .extracting(g -> g.getName())
                .contains("cluster.x-k8s.io", "infrastructure.cluster.x-k8s.io", "ipam.cluster.x-k8s.io");
    }

    @Test
    void serverSideApplyCreatesAndTheSchemaPrunesNothingKnown(KubernetesClient client, TestNamespace namespace) {
        GenericKubernetesResource applied = client.genericKubernetesResources(POOLS)
                .inNamespace(namespace.name())
                .resource(pool(
                        namespace.name(),
                        Map.of(
                                "addresses",
                                java.util.List.of("10.0.0.10-10.0.0.20"),
                                "prefix",
                                24,
                                "gateway",
                                "10.0.0.1")))
                .fieldValidation(FieldValidateable.Validation.STRICT)
                .fieldManager("pcg-test")
                .serverSideApply();
        assertThat(applied.getMetadata().getManagedFields())
                .extracting(f -> f.getManager())
                .contains("pcg-test");
        assertThat(applied.get("spec", "prefix").toString()).isEqualTo("24");
    }

    /**
     * What a mock server cannot show: the real server refuses an apply naming a field its schema lacks ("field not
     * declared in schema"). It answers 500 for this today, which fabric8 would retry, so the client here does not.
     */
    @Test
    void serverSideApplyWithAnUnknownFieldIsRefusedByTheServer(KubeApiServer server, TestNamespace namespace) {
        io.fabric8.kubernetes.client.Config config = server.config();
        config.setRequestRetryBackoffLimit(0);
        try (KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(config)
                .build()) {
            var pools = client.genericKubernetesResources(POOLS).inNamespace(namespace.name());
            GenericKubernetesResource typo = pool(
                    namespace.name(),
                    Map.of("addresses", java.util.List.of("10.0.0.10-10.0.0.20"), "prefix", 24, "gatway", "10.0.0.1"));

            assertThatThrownBy(() -> pools.resource(typo)
                            .fieldValidation(FieldValidateable.Validation.STRICT)
                            .fieldManager("pcg-test")
                            .serverSideApply())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining(".spec.gatway: field not declared in schema");
            assertThat(pools.withName("nodes").get()).isNull();
        }
    }

    @Test
    void awaitingServedCreatesReturnsOnceNoNewKindIsHeldBack(KubernetesClient client) {
        UpstreamCrds.awaitCreatesServed(client);

        Instant servedFrom = UpstreamCrds.createsServedFrom(client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withLabel(UpstreamCrds.CLUSTERCTL_LABEL)
                .list()
                .getItems());
        assertThat(servedFrom).isAfter(Instant.EPOCH);
        assertThat(Instant.now()).isAfterOrEqualTo(servedFrom);
    }

    @Test
    void eachTestHasItsOwnNamespace(KubernetesClient client, TestNamespace namespace) {
        assertThat(namespace.name()).startsWith("t").contains("each-test-has-its-own-namespace");
        assertThat(client.namespaces().withName(namespace.name()).get()).isNotNull();
    }

    @Test
    void anIndependentClientSeesTheSameServer(KubeApiServer server, TestNamespace namespace) {
        try (KubernetesClient other = server.newClient()) {
            other.configMaps()
                    .inNamespace(namespace.name())
                    .resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("seen")
                            .endMetadata()
                            .addToData("k", "v")
                            .build())
                    .create();
        }
        assertThat(server.client()
                        .configMaps()
                        .inNamespace(namespace.name())
                        .withName("seen")
                        .get()
                        .getData())
                .containsEntry("k", "v");
    }
}
