package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.agent.kube.Fields;
import io.pcg.common.net.Ip;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Claims the agent makes for itself, outside any VM: an address held for a cluster in the IPAM namespace until the
 * agent deletes the claim (the control-plane VIP, a tenant cluster's node addresses). The agent's allocator answers
 * them like CAPV's claims, honouring restricted pools through {@code spec.clusterName}.
 */
final class ReservationClaims {

    private ReservationClaims() {}

    /** Creates the claim unless it exists. */
    static void ensure(
            KubernetesClient client,
            String namespace,
            String name,
            String cluster,
            String role,
            String pool,
            Ip requested) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (requested != null) {
            annotations.put(IpamApi.REQUESTED_ADDRESS_ANNOTATION, requested.toString());
        }
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion(IpamApi.apiVersion(IpamApi.CLAIMS));
        claim.setKind(IpamApi.CLAIMS.getKind());
        claim.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(Map.of(
                        ControlPlaneVips.ROLE_LABEL, role, IpamApi.CLUSTER_NAME_LABEL, cluster, IpamApi.MOVE_LABEL, ""))
                .withAnnotations(annotations)
                .build());
        claim.setAdditionalProperty(
                "spec",
                Map.of(
                        "clusterName",
                        cluster,
                        "poolRef",
                        Map.of("apiGroup", IpamApi.GROUP, "kind", IpamApi.POOL_KIND, "name", pool)));
        try {
            client.genericKubernetesResources(IpamApi.CLAIMS)
                    .inNamespace(namespace)
                    .resource(claim)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The claim's address once the allocator served it. */
    static Optional<Ip> address(KubernetesClient client, String namespace, String name) {
        GenericKubernetesResource claim = client.genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace)
                .withName(name)
                .get();
        String addressName = claim == null ? null : Fields.text(claim, "status", "addressRef", "name");
        if (addressName == null) {
            return Optional.empty();
        }
        GenericKubernetesResource address = client.genericKubernetesResources(IpamApi.ADDRESSES)
                .inNamespace(namespace)
                .withName(addressName)
                .get();
        return address == null ? Optional.empty() : Optional.of(Ip.parse(Fields.text(address, "spec", "address")));
    }
}
