package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pcg.common.net.Ip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pool ⇄ {@code InClusterIPPool} (v1alpha2). The schema has {@code addresses}, {@code prefix}, {@code gateway} and
 * {@code excludedAddresses}; the seed's network type, name servers and single-cluster restriction have no field and
 * live in {@code ipam.pcg.io/*} annotations. Pure functions.
 */
public final class PoolManifest {

    private PoolManifest() {}

    public static GenericKubernetesResource render(Pool pool, String namespace, String reservedForCluster) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(IpamApi.NETWORK_TYPE_ANNOTATION, pool.networkType().text());
        if (!pool.nameServers().isEmpty()) {
            annotations.put(
                    IpamApi.NAME_SERVERS_ANNOTATION,
                    String.join(
                            ",", pool.nameServers().stream().map(Ip::toString).toList()));
        }
        annotations.put(IpamApi.RESTRICTED_ANNOTATION, Boolean.toString(pool.restrictToSingleCluster()));
        if (pool.restrictToSingleCluster() && reservedForCluster != null) {
            annotations.put(IpamApi.RESERVED_FOR_ANNOTATION, reservedForCluster);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("addresses", List.of(pool.addressesText()));
        spec.put("prefix", pool.prefix());
        spec.put("gateway", pool.gateway().toString());
        if (!pool.excludedAddresses().isEmpty()) {
            spec.put(
                    "excludedAddresses",
                    pool.excludedAddresses().stream().map(Ip::toString).toList());
        }
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(IpamApi.apiVersion(IpamApi.POOLS));
        resource.setKind(IpamApi.POOL_KIND);
        resource.setMetadata(new ObjectMetaBuilder()
                .withName(pool.name())
                .withNamespace(namespace)
                .withLabels(Map.of(IpamApi.MANAGED_BY_LABEL, IpamApi.MANAGED_BY, IpamApi.MOVE_LABEL, ""))
                .withAnnotations(annotations)
                .build());
        resource.setAdditionalProperty("spec", spec);
        return resource;
    }

    public static boolean isManaged(GenericKubernetesResource resource) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels != null && IpamApi.MANAGED_BY.equals(labels.get(IpamApi.MANAGED_BY_LABEL));
    }

    /** The cluster a restricted pool is reserved for, or null. */
    public static String reservedFor(GenericKubernetesResource resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(IpamApi.RESERVED_FOR_ANNOTATION);
    }

    /**
     * Reads a pool this agent rendered (someone may have edited it with kubectl, so it is validated again).
     *
     * @throws PoolValidationException when the object no longer describes a usable pool
     */
    public static Pool parse(GenericKubernetesResource resource) throws PoolValidationException {
        ObjectMeta metadata = resource.getMetadata();
        Map<String, String> annotations = metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
        Object specValue = resource.getAdditionalProperties().get("spec");
        Map<?, ?> spec = specValue instanceof Map<?, ?> map ? map : Map.of();
        List<String> addresses = strings(spec.get("addresses"));
        if (addresses.size() != 1) {
            throw new PoolValidationException(
                    metadata.getName(),
                    List.of("spec.addresses must hold exactly one range"
                            + " or subnet for a pool managed by the gateway, found " + addresses));
        }
        String type = annotations.getOrDefault(
                IpamApi.NETWORK_TYPE_ANNOTATION,
                addresses.get(0).contains("/") ? NetworkType.SUBNET.text() : NetworkType.RANGE.text());
        String start = null;
        String end = null;
        String subnet = null;
        if (addresses.get(0).contains("/")) {
            subnet = addresses.get(0);
        } else {
            String[] ends = addresses.get(0).split("-", 2);
            start = ends[0];
            end = ends.length > 1 ? ends[1] : ends[0];
        }
        Object prefix = spec.get("prefix");
        String nameServers = annotations.getOrDefault(IpamApi.NAME_SERVERS_ANNOTATION, "");
        PoolSpec poolSpec = new PoolSpec(
                metadata.getName(),
                type,
                start,
                end,
                subnet,
                prefix instanceof Number number ? number.intValue() : null,
                spec.get("gateway") == null ? null : spec.get("gateway").toString(),
                nameServers.isBlank()
                        ? List.of()
                        : Arrays.stream(nameServers.split(","))
                                .map(String::trim)
                                .toList(),
                Boolean.parseBoolean(annotations.get(IpamApi.RESTRICTED_ANNOTATION)),
                strings(spec.get("excludedAddresses")));
        return PoolValidator.validate(poolSpec, List.of());
    }

    private static List<String> strings(Object value) {
        List<String> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> result.add(String.valueOf(item)));
        }
        return result;
    }
}
