package io.pcg.testkit.capi;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Simulator, for tests, benchmarks and the demo only: the IPAddressClaims CAPV creates for a VSphereMachine whose
 * device lists {@code addressesFromPools} (one claim per pool reference, in the machine's namespace, with the
 * cluster's name), which an IPAM provider must answer.
 */
public final class IpAddressClaims {

    public static final String GROUP = "ipam.cluster.x-k8s.io";
    public static final ResourceDefinitionContext CLAIMS = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP)
            .withVersion("v1beta2")
            .withKind("IPAddressClaim")
            .withPlural("ipaddressclaims")
            .withNamespaced(true)
            .build();

    private IpAddressClaims() {}

    /** Creates a claim on the InClusterIPPool {@code pool}; {@code cluster} may be null (a claim of no cluster). */
    public static GenericKubernetesResource create(
            KubernetesClient client,
            String namespace,
            String name,
            String pool,
            String cluster,
            Map<String, String> annotations) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("poolRef", Map.of("apiGroup", GROUP, "kind", "InClusterIPPool", "name", pool));
        if (cluster != null) {
            spec.put("clusterName", cluster);
        }
        GenericKubernetesResource claim = new GenericKubernetesResourceBuilder()
                .withApiVersion(GROUP + "/v1beta2")
                .withKind("IPAddressClaim")
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withAnnotations(annotations)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
        return client.genericKubernetesResources(CLAIMS)
                .inNamespace(namespace)
                .resource(claim)
                .create();
    }
}
