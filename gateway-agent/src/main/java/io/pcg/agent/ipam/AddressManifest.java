package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
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
                // Set at creation, so it costs no write of its own: whoever deletes the address (the garbage
                // collector once the claim is gone, a user) leaves it in place until the agent has released it,
                // i.e. settled the pool's reservation and honoured the reuse grace period.
                .withFinalizers(IpamApi.FINALIZER)
                // Lets the API server's garbage collector remove the address once the claim is gone, and tells the
                // address of a claim from that of an earlier claim of the same name.
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

    /** The uid of the claim the address was created for: its controller ownerReference to a claim. */
    private static String claimUid(GenericKubernetesResource resource) {
        return resource.getMetadata().getOwnerReferences().stream()
                .filter(owner -> Boolean.TRUE.equals(owner.getController())
                        && IpamApi.CLAIMS.getKind().equals(owner.getKind()))
                .map(OwnerReference::getUid)
                .findFirst()
                .orElse(null);
    }

    /** Whether the address has our finalizer, which only the agent removes. */
    static boolean hasFinalizer(GenericKubernetesResource resource) {
        return resource.getMetadata().getFinalizers().contains(IpamApi.FINALIZER);
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
                claimUid(resource),
                Fields.label(resource, IpamApi.CLUSTER_NAME_LABEL),
                Fields.annotation(resource, IpamApi.RELEASED_AT_ANNOTATION));
    }
}
