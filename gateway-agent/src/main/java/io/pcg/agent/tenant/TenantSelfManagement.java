package io.pcg.agent.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.cluster.CapiKinds;
import io.pcg.agent.cluster.GatewayClusterController;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.ManifestApplier;
import io.pcg.common.errors.OperatorException;
import java.util.List;
import java.util.Map;

/**
 * Seed 004 step 5, what the agent inside a pivoted tenant cluster does: it reads the spec the gateway left it (the
 * ConfigMap {@value #DESIRED}) and, while the cluster's objects are in its own cluster and not paused, scales the
 * control plane to the requested size and applies the worker machines; Cluster API in the tenant cluster builds the
 * nodes. Every pass applies everything again, so the cluster keeps its shape while the gateway is away (a deleted
 * worker Machine comes back).
 */
public final class TenantSelfManagement {

    /** The ConfigMap, in the cluster's namespace of the tenant cluster itself. */
    public static final String DESIRED = "pcg-tenant-desired";
    /** Label on {@value #DESIRED}, by which a tenant agent finds it. */
    public static final String DESIRED_LABEL = "pcg.io/tenant-desired";

    static final String CLUSTER_KEY = "cluster";
    static final String REPLICAS_KEY = "controlPlaneReplicas";
    static final String WORKERS_KEY = "workers.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<GenericKubernetesResource>> OBJECTS = new TypeReference<>() {};

    /** What a pass did. */
    public enum Outcome {
        /** No spec, or the cluster's objects are not here (not moved in yet, or moved back out). */
        NOT_MANAGED_HERE,
        /** The Cluster is paused (a move under way): nothing is touched. */
        PAUSED,
        /** Control plane scaled and workers applied. */
        APPLIED
    }

    private TenantSelfManagement() {}

    /** The spec the gateway leaves in the tenant cluster: no secret, only the size and the worker objects. */
    static ConfigMap desired(String namespace, String cluster, int controlPlaneReplicas, List<HasMetadata> workers) {
        try {
            return new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(DESIRED)
                    .withNamespace(namespace)
                    .withLabels(Map.of(DESIRED_LABEL, cluster, CapiKinds.CLUSTER_NAME_LABEL, cluster))
                    .endMetadata()
                    .withData(Map.of(
                            CLUSTER_KEY,
                            cluster,
                            REPLICAS_KEY,
                            Integer.toString(controlPlaneReplicas),
                            WORKERS_KEY,
                            JSON.writeValueAsString(workers)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendered objects are always JSON", e);
        }
    }

    /** One pass over the spec in {@code namespace} of the tenant cluster behind {@code own}. */
    public static Outcome reconcile(KubernetesClient own, String namespace) throws OperatorException {
        ConfigMap desired =
                own.configMaps().inNamespace(namespace).withName(DESIRED).get();
        if (desired == null || desired.getData() == null) {
            return Outcome.NOT_MANAGED_HERE;
        }
        String cluster = desired.getData().get(CLUSTER_KEY);
        GenericKubernetesResource object = own.genericKubernetesResources(CapiKinds.CLUSTERS)
                .inNamespace(namespace)
                .withName(cluster)
                .get();
        if (object == null || object.getMetadata().getDeletionTimestamp() != null) {
            return Outcome.NOT_MANAGED_HERE;
        }
        if (Boolean.TRUE.equals(Fields.value(object, "spec", "paused"))
                || Fields.annotation(object, "cluster.x-k8s.io/paused") != null) {
            return Outcome.PAUSED;
        }
        List<GenericKubernetesResource> workers;
        try {
            workers = JSON.readValue(desired.getData().get(WORKERS_KEY), OBJECTS);
        } catch (JsonProcessingException e) {
            throw new OperatorException(
                    "TENANT_SPEC_UNREADABLE",
                    "ConfigMap " + namespace + "/" + DESIRED + " does not hold"
                            + " the worker objects the gateway writes: " + e.getOriginalMessage(),
                    "Delete the ConfigMap; the gateway writes it again when it next reaches the cluster.");
        }
        shape(own, namespace, cluster, Integer.parseInt(desired.getData().get(REPLICAS_KEY)), workers);
        return Outcome.APPLIED;
    }

    /**
     * Scales the control plane (field manager {@code pcg-agent-scale}, only {@code spec.replicas}) and applies the
     * worker machines, in whichever cluster holds the objects: the tenant cluster itself, or without the pivot the
     * gateway's management cluster.
     */
    static void shape(
            KubernetesClient client,
            String namespace,
            String cluster,
            int controlPlaneReplicas,
            List<? extends HasMetadata> workers)
            throws OperatorException {
        CapiKinds.scaleControlPlane(
                client, namespace, cluster, controlPlaneReplicas, GatewayClusterController.SCALE_FIELD_MANAGER);
        ManifestApplier.apply(client, workers);
    }
}
