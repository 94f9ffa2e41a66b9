package io.pcg.agent.cluster.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.kube.ManifestApplier;
import io.pcg.common.errors.OperatorException;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered gateway cluster against a real Kubernetes 1.34 API server with the upstream CRDs: server-side apply
 * with strict field validation, structural pruning and the CRDs' CEL rules, as a management cluster would do it.
 */
@ExtendWith(KubeApiServerExtension.class)
class GatewayClusterApplyIT {

    static Stream<Arguments> clusters() {
        return Stream.of(arguments(1, true), arguments(3, true), arguments(1, false), arguments(3, false));
    }

    @ParameterizedTest(name = "{0} node(s), static IPs: {1}, with proxy")
    @MethodSource("clusters")
    void theServerAcceptsEveryObjectAndKeepsEveryField(
            int replicas, boolean staticIps, KubeApiServer server, TestNamespace namespace) throws OperatorException {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), replicas, staticIps, true));
        try (ManagementCluster managementCluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()))) {
            ManifestApplier applier = new ManifestApplier(managementCluster);
            List<HasMetadata> applied = applier.apply(rendered);

            assertThat(applied).hasSameSizeAs(rendered);
            StoredObjects.assertStoredAsRendered(server.client(), rendered);

            List<HasMetadata> again = applier.apply(rendered);
            assertThat(again)
                    .extracting(o -> o.getMetadata().getResourceVersion())
                    .as("applying the same objects again changes nothing")
                    .isEqualTo(applied.stream()
                            .map(o -> o.getMetadata().getResourceVersion())
                            .toList());
        }
    }

    /**
     * What strict validation is for: a field the schema does not declare is refused, not silently dropped. The real
     * server answers 500 for it, which fabric8 would retry, so this client does not retry.
     */
    @Test
    void aFieldTheSchemaDoesNotDeclareIsRefusedAndStopsTheApply(KubeApiServer server, TestNamespace namespace)
            throws OperatorException {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), 3, true, true));
        GenericKubernetesResource controlPlane = (GenericKubernetesResource) rendered.get(4);
        assertThat(controlPlane.getKind()).isEqualTo("KubeadmControlPlane");
        @SuppressWarnings("unchecked")
        Map<String, Object> kubeadm =
                (Map<String, Object>) ((Map<String, Object>) controlPlane.get("spec")).get("kubeadmConfigSpec");
        kubeadm.put("preKubeadmCommandz", List.of("true"));

        Config config = server.config();
        config.setRequestRetryBackoffLimit(0);
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            OperatorException refusal =
                    catchThrowableOfType(OperatorException.class, () -> ManifestApplier.apply(client, rendered));

            assertThat(refusal.code()).isEqualTo(ManifestApplier.REFUSED);
            assertThat(refusal.getMessage())
                    .contains(
                            "KubeadmControlPlane " + namespace.name() + "/pcg-gateway",
                            "4 of 7 objects applied before it",
                            ".spec.kubeadmConfigSpec.preKubeadmCommandz: field not declared in schema")
                    .doesNotContain(GatewayClusterSpecs.VCENTER_PASSWORD, GatewayClusterSpecs.PROXY_PASSWORD_IN_URL);
            assertThat(client.resource(rendered.get(3)).get())
                    .as("VSphereCluster, applied before")
                    .isNotNull();
            assertThat(client.resource(controlPlane).get())
                    .as("the refused KubeadmControlPlane")
                    .isNull();
            assertThat(client.resource(rendered.get(5)).get())
                    .as("Cluster, after the refusal")
                    .isNull();
        }
    }
}
