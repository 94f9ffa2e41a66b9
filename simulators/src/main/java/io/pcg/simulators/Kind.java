package io.pcg.simulators;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Simulator: the upstream kinds the simulated providers read and write, at the API versions they store. */
enum Kind {
    CLUSTER("cluster.x-k8s.io", "v1beta2", "Cluster", "clusters"),
    MACHINE("cluster.x-k8s.io", "v1beta2", "Machine", "machines"),
    KUBEADM_CONTROL_PLANE("controlplane.cluster.x-k8s.io", "v1beta2", "KubeadmControlPlane", "kubeadmcontrolplanes"),
    KUBEADM_CONFIG("bootstrap.cluster.x-k8s.io", "v1beta2", "KubeadmConfig", "kubeadmconfigs"),
    VSPHERE_CLUSTER("infrastructure.cluster.x-k8s.io", "v1beta2", "VSphereCluster", "vsphereclusters"),
    VSPHERE_MACHINE("infrastructure.cluster.x-k8s.io", "v1beta2", "VSphereMachine", "vspheremachines"),
    VSPHERE_MACHINE_TEMPLATE(
            "infrastructure.cluster.x-k8s.io", "v1beta2", "VSphereMachineTemplate", "vspheremachinetemplates"),
    VSPHERE_VM("infrastructure.cluster.x-k8s.io", "v1beta2", "VSphereVM", "vspherevms"),
    IP_ADDRESS_CLAIM("ipam.cluster.x-k8s.io", "v1beta2", "IPAddressClaim", "ipaddressclaims"),
    IP_ADDRESS("ipam.cluster.x-k8s.io", "v1beta2", "IPAddress", "ipaddresses");

    final String group;
    final String version;
    final String kind;
    final ResourceDefinitionContext context;

    Kind(String group, String version, String kind, String plural) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.context = new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    String apiVersion() {
        return group + "/" + version;
    }

    /** The kind an ownerReference or object reference names, whatever version it was written with. */
    static Kind of(String apiVersionOrGroup, String kindName) {
        String group = apiVersionOrGroup == null
                ? ""
                : apiVersionOrGroup.contains("/")
                        ? apiVersionOrGroup.substring(0, apiVersionOrGroup.indexOf('/'))
                        : apiVersionOrGroup;
        for (Kind kind : values()) {
            if (kind.group.equals(group) && kind.kind.equals(kindName)) {
                return kind;
            }
        }
        return null;
    }
}
