package io.pcg.agent.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Cluster API kinds the agent reads to follow provisioning (contract v1beta2). */
final class CapiKinds {

    static final ResourceDefinitionContext CLUSTERS = kind("cluster.x-k8s.io", "Cluster", "clusters");
    static final ResourceDefinitionContext MACHINES = kind("cluster.x-k8s.io", "Machine", "machines");
    static final ResourceDefinitionContext MACHINE_HEALTH_CHECKS = kind("cluster.x-k8s.io", "MachineHealthCheck",
            "machinehealthchecks");
    static final ResourceDefinitionContext CONTROL_PLANES = kind("controlplane.cluster.x-k8s.io", "KubeadmControlPlane",
            "kubeadmcontrolplanes");
    static final ResourceDefinitionContext VSPHERE_CLUSTERS = kind("infrastructure.cluster.x-k8s.io", "VSphereCluster",
            "vsphereclusters");
    static final ResourceDefinitionContext VSPHERE_MACHINE_TEMPLATES = kind("infrastructure.cluster.x-k8s.io",
            "VSphereMachineTemplate", "vspheremachinetemplates");
    static final ResourceDefinitionContext VSPHERE_MACHINES = kind("infrastructure.cluster.x-k8s.io", "VSphereMachine",
            "vspheremachines");
    static final ResourceDefinitionContext CLAIMS = kind("ipam.cluster.x-k8s.io", "IPAddressClaim", "ipaddressclaims");
    /** Label CAPI puts on every object of a cluster. */
    static final String CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";

    private CapiKinds() {
    }

    private static ResourceDefinitionContext kind(String group, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1beta2").withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}
