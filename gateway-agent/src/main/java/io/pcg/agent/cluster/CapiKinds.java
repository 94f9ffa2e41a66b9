package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The Cluster API kinds the agent reads to follow provisioning (contract v1beta2). */
public final class CapiKinds {

    public static final ResourceDefinitionContext CLUSTERS = kind("cluster.x-k8s.io", "Cluster", "clusters");
    public static final ResourceDefinitionContext MACHINES = kind("cluster.x-k8s.io", "Machine", "machines");
    public static final ResourceDefinitionContext MACHINE_HEALTH_CHECKS =
            kind("cluster.x-k8s.io", "MachineHealthCheck", "machinehealthchecks");
    public static final ResourceDefinitionContext CONTROL_PLANES =
            kind("controlplane.cluster.x-k8s.io", "KubeadmControlPlane", "kubeadmcontrolplanes");
    public static final ResourceDefinitionContext VSPHERE_CLUSTERS =
            kind("infrastructure.cluster.x-k8s.io", "VSphereCluster", "vsphereclusters");
    public static final ResourceDefinitionContext VSPHERE_MACHINE_TEMPLATES =
            kind("infrastructure.cluster.x-k8s.io", "VSphereMachineTemplate", "vspheremachinetemplates");
    public static final ResourceDefinitionContext VSPHERE_MACHINES =
            kind("infrastructure.cluster.x-k8s.io", "VSphereMachine", "vspheremachines");
    public static final ResourceDefinitionContext CLAIMS =
            kind("ipam.cluster.x-k8s.io", "IPAddressClaim", "ipaddressclaims");
    public static final ResourceDefinitionContext KUBEADM_CONFIGS = new ResourceDefinitionContext.Builder()
            .withGroup("bootstrap.cluster.x-k8s.io")
            .withVersion("v1beta2")
            .withKind("KubeadmConfig")
            .withPlural("kubeadmconfigs")
            .withNamespaced(true)
            .build();
    /** Label CAPI puts on every object of a cluster. */
    public static final String CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";

    private CapiKinds() {}

    /**
     * Sets the KubeadmControlPlane's {@code spec.replicas} and nothing else, under {@code fieldManager}, so the
     * objects clusterctl moved keep everything else.
     */
    public static void scaleControlPlane(
            KubernetesClient client, String namespace, String name, int replicas, String fieldManager) {
        GenericKubernetesResource scale = new GenericKubernetesResource();
        scale.setApiVersion(CONTROL_PLANES.getGroup() + "/" + CONTROL_PLANES.getVersion());
        scale.setKind(CONTROL_PLANES.getKind());
        scale.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        scale.setAdditionalProperty("spec", Map.of("replicas", replicas));
        client.genericKubernetesResources(CONTROL_PLANES)
                .inNamespace(namespace)
                .resource(scale)
                .fieldManager(fieldManager)
                .forceConflicts()
                .serverSideApply();
    }

    private static ResourceDefinitionContext kind(String group, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1beta2")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    /**
     * Reads the objects of cluster {@code name} in {@code namespace} and observes them.
     *
     * @param withClaims whether its IPAddressClaims count (they live where the cluster's IPAM answers them)
     */
    public static Progress progress(KubernetesClient client, String namespace, String name, boolean withClaims) {
        return progress(Reader.live(client), namespace, name, withClaims);
    }

    /** {@link #progress(KubernetesClient, String, String, boolean)} from {@code reader}. */
    public static Progress progress(Reader reader, String namespace, String name, boolean withClaims) {
        return Progress.observe(
                reader.get(CLUSTERS, namespace, name),
                reader.get(VSPHERE_CLUSTERS, namespace, name),
                reader.get(CONTROL_PLANES, namespace, name),
                reader.ofCluster(MACHINES, namespace, name),
                withClaims ? reader.ofCluster(CLAIMS, namespace, name) : List.of());
    }

    /** Where the objects of a cluster are read: the API server, or the caches of watches on it. */
    public interface Reader {
        /** The object, or null. */
        GenericKubernetesResource get(ResourceDefinitionContext kind, String namespace, String name);

        /** The objects of {@code kind} carrying cluster {@code clusterName}'s label. */
        List<GenericKubernetesResource> ofCluster(ResourceDefinitionContext kind, String namespace, String clusterName);

        /** From the caches of watches on the cluster's namespace, {@code stores.apply(kind)} for each kind read. */
        static Reader cached(Function<ResourceDefinitionContext, Store<GenericKubernetesResource>> stores) {
            return new Reader() {
                @Override
                public GenericKubernetesResource get(ResourceDefinitionContext kind, String namespace, String name) {
                    return stores.apply(kind).getByKey(namespace + "/" + name);
                }

                @Override
                public List<GenericKubernetesResource> ofCluster(
                        ResourceDefinitionContext kind, String namespace, String clusterName) {
                    return stores.apply(kind).list().stream()
                            .filter(object -> namespace.equals(
                                            object.getMetadata().getNamespace())
                                    && object.getMetadata().getLabels() != null
                                    && clusterName.equals(
                                            object.getMetadata().getLabels().get(CLUSTER_NAME_LABEL)))
                            .toList();
                }
            };
        }

        static Reader live(KubernetesClient client) {
            return new Reader() {
                @Override
                public GenericKubernetesResource get(ResourceDefinitionContext kind, String namespace, String name) {
                    return client.genericKubernetesResources(kind)
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
                }

                @Override
                public List<GenericKubernetesResource> ofCluster(
                        ResourceDefinitionContext kind, String namespace, String clusterName) {
                    return client.genericKubernetesResources(kind)
                            .inNamespace(namespace)
                            .withLabel(CLUSTER_NAME_LABEL, clusterName)
                            .list()
                            .getItems();
                }
            };
        }
    }
}
