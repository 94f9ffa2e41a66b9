package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.pcg.agent.kube.Fields;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code IPAddress} (v1beta2) answering a claim, and the way back to an {@link AddressIndex.Holding}. Pure. */
final class AddressManifest {

    private static final int MAX_LABEL_VALUE = 63;

    private AddressManifest() {}

    static GenericKubernetesResource render(Pool pool, Ip address, GenericKubernetesResource claim, String cluster) {
        String namespace = claim.getMetadata().getNamespace();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(IpamApi.POOL_LABEL, pool.name());
        labels.put(IpamApi.MOVE_LABEL, "");
        putLabel(labels, IpamApi.CLAIM_LABEL, claim.getMetadata().getName());
        putLabel(labels, IpamApi.CLUSTER_NAME_LABEL, cluster);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("address", address.toString());
        spec.put("prefix", pool.prefix());
        spec.put("gateway", pool.gateway().toString());
        spec.put("claimRef", Map.of("name", claim.getMetadata().getName()));
        spec.put("poolRef", Map.of("apiGroup", IpamApi.GROUP, "kind", IpamApi.POOL_KIND, "name", pool.name()));
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(IpamApi.apiVersion(IpamApi.ADDRESSES));
        resource.setKind(IpamApi.ADDRESSES.getKind());
        resource.setMetadata(new ObjectMetaBuilder()
                .withName(IpamApi.addressObjectName(address))
                .withNamespace(namespace)
                .withLabels(labels)
                // Lets the API server's garbage collector remove the address if the claim is ever force-deleted.
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(claim.getApiVersion())
                        .withKind(claim.getKind())
                        .withName(claim.getMetadata().getName())
                        .withUid(claim.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build());
        resource.setAdditionalProperty("spec", spec);
        return resource;
    }

    private static void putLabel(Map<String, String> labels, String name, String value) {
        if (value != null && value.length() <= MAX_LABEL_VALUE) {
            labels.put(name, value);
        }
    }

    /** Null when the object is not one this allocator understands (no parsable address). */
    static AddressIndex.Holding holding(GenericKubernetesResource resource) {
        String addressText = Fields.text(resource, "spec", "address");
        Ip address;
        try {
            address = Ip.parse(addressText);
        } catch (InvalidAddressException e) {
            return null;
        }
        return new AddressIndex.Holding(
                resource.getMetadata().getNamespace(),
                resource.getMetadata().getName(),
                resource.getMetadata().getUid(),
                Fields.text(resource, "spec", "poolRef", "name"),
                address,
                Fields.text(resource, "spec", "claimRef", "name"),
                Fields.label(resource, IpamApi.CLUSTER_NAME_LABEL),
                Fields.annotation(resource, IpamApi.RELEASED_AT_ANNOTATION));
    }
}
