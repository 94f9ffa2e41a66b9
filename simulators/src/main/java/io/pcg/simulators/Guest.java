package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Simulator: what a booted node VM does to its workload cluster, as CAPI's in-memory provider fakes it: kubelet
 * registers the Node (providerID, kubelet version, Ready and no pressure, control-plane label and taint), a
 * control-plane node runs the static pods (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) and the
 * {@code kubeadm init} node writes {@code kube-system/kubeadm-config} and the {@code kubeadm:get-nodes} RBAC. Pods
 * are objects with a Running/Ready status; nothing runs.
 */
final class Guest {

    static final List<String> CONTROL_PLANE_COMPONENTS =
            List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler");
    private static final String CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane";
    private static final String ETCD_VERSION = "3.6.4-0";
    /**
     * Simulator labels on the Nodes and static Pods a guest creates, naming its cluster: clusters may share one API
     * server, and each cluster's watch selects its own.
     */
    private static final String CLUSTER_NAMESPACE_LABEL = "simulator.pcg.io/cluster-namespace";

    private static final String CLUSTER_NAME_LABEL = "simulator.pcg.io/cluster-name";

    /** What the guest knows after cloud-init: its name and addresses, the bootstrap data and the image's versions. */
    record Boot(
            String nodeName,
            String providerId,
            String systemUuid,
            String kubernetesVersion,
            boolean controlPlane,
            boolean init,
            List<String> addresses,
            String clusterNamespace,
            String clusterName,
            String controlPlaneEndpoint,
            String kubeadmConfig) {}

    private Guest() {}

    /** The labels that mark a Node or static Pod as one of this cluster's. */
    static Map<String, String> clusterLabels(String namespace, String clusterName) {
        return Map.of(CLUSTER_NAMESPACE_LABEL, namespace, CLUSTER_NAME_LABEL, clusterName);
    }

    static Node node(KubernetesClient workload, String nodeName) {
        return workload.nodes().withName(nodeName).get();
    }

    /** kubelet has posted its status (node info and conditions); a Node object alone is not a registered node. */
    static boolean registered(Node node) {
        return node != null
                && node.getStatus() != null
                && node.getStatus().getNodeInfo() != null
                && node.getStatus().getNodeInfo().getKubeletVersion() != null
                && !node.getStatus().getNodeInfo().getKubeletVersion().isBlank()
                && conditions(node).containsKey("Ready");
    }

    /** @param name the cluster's kubeadm-config ({@link WorkloadClusters#kubeadmConfig}) */
    static boolean kubeadmConfigExists(KubernetesClient workload, String name) {
        return workload.configMaps().inNamespace("kube-system").withName(name).get() != null;
    }

    /** kubeadm init/join and kubelet start-up; idempotent (a second boot of a registered node changes nothing). */
    static void boot(KubernetesClient workload, Boot boot, Instant now) {
        if (boot.init()) {
            kubeadmInit(workload, boot);
        }
        if (boot.controlPlane()) {
            for (String component : CONTROL_PLANE_COMPONENTS) {
                staticPod(workload, component, boot, now);
            }
        }
        registerNode(workload, boot, now);
    }

    /** The node leaves: its Node object and static pods go (CAPI deletes the Node; the VM is gone). */
    static void leave(KubernetesClient workload, String nodeName) {
        for (String component : CONTROL_PLANE_COMPONENTS) {
            workload.pods()
                    .inNamespace("kube-system")
                    .withName(component + "-" + nodeName)
                    .delete();
        }
        workload.nodes().withName(nodeName).delete();
    }

    /** KCP's pre-terminate hook: the machine's etcd member is removed before its infrastructure goes. */
    static void removeEtcdMember(KubernetesClient workload, String nodeName) {
        workload.pods().inNamespace("kube-system").withName("etcd-" + nodeName).delete();
    }

    static boolean podReady(Pod pod) {
        return pod != null
                && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static void kubeadmInit(KubernetesClient workload, Boot boot) {
        String clusterConfiguration =
                """
                apiServer: {}
                apiVersion: kubeadm.k8s.io/v1beta4
                clusterName: %s
                controlPlaneEndpoint: %s
                controllerManager: {}
                dns: {}
                etcd:
                  local:
                    dataDir: /var/lib/etcd
                imageRepository: registry.k8s.io
                kind: ClusterConfiguration
                kubernetesVersion: %s
                networking:
                  dnsDomain: cluster.local
                  podSubnet: 192.168.0.0/16
                  serviceSubnet: 10.96.0.0/12
                scheduler: {}
                """.formatted(boot.clusterName(), boot.controlPlaneEndpoint(), boot.kubernetesVersion());
        createIgnoringExisting(() -> workload.configMaps()
                .inNamespace("kube-system")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(boot.kubeadmConfig())
                        .withNamespace("kube-system")
                        .endMetadata()
                        .addToData("ClusterConfiguration", clusterConfiguration)
                        .build())
                .create());
        createIgnoringExisting(() -> workload.rbac()
                .clusterRoles()
                .resource(new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName("kubeadm:get-nodes")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("nodes")
                        .withVerbs("get")
                        .endRule()
                        .build())
                .create());
        createIgnoringExisting(() -> workload.rbac()
                .clusterRoleBindings()
                .resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName("kubeadm:get-nodes")
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("ClusterRole")
                        .withName("kubeadm:get-nodes")
                        .endRoleRef()
                        .addNewSubject()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("Group")
                        .withName("system:bootstrappers:kubeadm:default-node-token")
                        .endSubject()
                        .build())
                .create());
    }

    private static void staticPod(KubernetesClient workload, String component, Boot boot, Instant now) {
        String name = component + "-" + boot.nodeName();
        Pod existing = workload.pods().inNamespace("kube-system").withName(name).get();
        if (existing == null) {
            String image = component.equals("etcd")
                    ? "registry.k8s.io/etcd:" + ETCD_VERSION
                    : "registry.k8s.io/" + component + ":" + boot.kubernetesVersion();
            existing = createIgnoringExisting(() -> workload.pods()
                    .inNamespace("kube-system")
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace("kube-system")
                            .addToLabels("component", component)
                            .addToLabels("tier", "control-plane")
                            .addToLabels(clusterLabels(boot.clusterNamespace(), boot.clusterName()))
                            .addToAnnotations("kubernetes.io/config.source", "file")
                            .addToAnnotations(
                                    "kubernetes.io/config.mirror",
                                    UUID.nameUUIDFromBytes(name.getBytes()).toString())
                            .endMetadata()
                            .withNewSpec()
                            .withNodeName(boot.nodeName())
                            .withHostNetwork(true)
                            .addNewContainer()
                            .withName(component)
                            .withImage(image)
                            .endContainer()
                            .endSpec()
                            .build())
                    .create());
            if (existing == null) {
                existing = workload.pods()
                        .inNamespace("kube-system")
                        .withName(name)
                        .get();
            }
        }
        if (!podReady(existing)) {
            String time = Conditions.timestamp(now);
            List<PodCondition> conditions = new ArrayList<>();
            for (String type :
                    List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
                conditions.add(new PodConditionBuilder()
                        .withType(type)
                        .withStatus("True")
                        .withLastTransitionTime(time)
                        .build());
            }
            existing.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                    .withPhase("Running")
                    .withConditions(conditions)
                    .withHostIP(first(boot.addresses()))
                    .withPodIP(first(boot.addresses()))
                    .withStartTime(time)
                    .build());
            workload.pods().inNamespace("kube-system").resource(existing).updateStatus();
        }
    }

    private static void registerNode(KubernetesClient workload, Boot boot, Instant now) {
        Node node = workload.nodes().withName(boot.nodeName()).get();
        if (node == null) {
            NodeBuilder builder = new NodeBuilder()
                    .withNewMetadata()
                    .withName(boot.nodeName())
                    .addToLabels("kubernetes.io/hostname", boot.nodeName())
                    .addToLabels("kubernetes.io/os", "linux")
                    .addToLabels("kubernetes.io/arch", "amd64")
                    .addToLabels(clusterLabels(boot.clusterNamespace(), boot.clusterName()))
                    .addToAnnotations(
                            "kubeadm.alpha.kubernetes.io/cri-socket", "unix:///var/run/containerd/containerd.sock")
                    .endMetadata()
                    .withNewSpec()
                    .withProviderID(boot.providerId())
                    .endSpec();
            if (boot.controlPlane()) {
                builder.editMetadata()
                        .addToLabels(CONTROL_PLANE_ROLE, "")
                        .addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "")
                        .endMetadata()
                        .editSpec()
                        .addNewTaint()
                        .withKey(CONTROL_PLANE_ROLE)
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec();
            }
            node = createIgnoringExisting(
                    () -> workload.nodes().resource(builder.build()).create());
            if (node == null) {
                node = workload.nodes().withName(boot.nodeName()).get();
            }
        }
        if (!registered(node)) {
            String time = Conditions.timestamp(now);
            List<NodeCondition> conditions = List.of(
                    condition(
                            "MemoryPressure",
                            "False",
                            "KubeletHasSufficientMemory",
                            "kubelet has sufficient memory available",
                            time),
                    condition(
                            "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", time),
                    condition(
                            "PIDPressure",
                            "False",
                            "KubeletHasSufficientPID",
                            "kubelet has sufficient PID available",
                            time),
                    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", time));
            List<NodeAddress> addresses = new ArrayList<>();
            for (String address : boot.addresses()) {
                addresses.add(new NodeAddress(address, "InternalIP"));
            }
            addresses.add(new NodeAddress(boot.nodeName(), "Hostname"));
            String machineId = UUID.nameUUIDFromBytes(boot.nodeName().getBytes())
                    .toString()
                    .replace("-", "");
            node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                    .withConditions(conditions)
                    .withAddresses(addresses)
                    .addToCapacity("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
                    .addToCapacity("memory", new io.fabric8.kubernetes.api.model.Quantity("8Gi"))
                    .addToCapacity("pods", new io.fabric8.kubernetes.api.model.Quantity("110"))
                    .withNewNodeInfo()
                    .withArchitecture("amd64")
                    .withOperatingSystem("linux")
                    .withOsImage("Ubuntu 22.04.5 LTS")
                    .withKernelVersion("5.15.0-130-generic")
                    .withContainerRuntimeVersion("containerd://1.7.27")
                    .withKubeletVersion(boot.kubernetesVersion())
                    .withKubeProxyVersion(boot.kubernetesVersion())
                    .withMachineID(machineId)
                    .withSystemUUID(
                            boot.systemUuid() == null ? "" : boot.systemUuid().toLowerCase(Locale.ROOT))
                    .withBootID(UUID.randomUUID().toString())
                    .endNodeInfo()
                    .build());
            workload.nodes().resource(node).updateStatus();
        }
    }

    private static NodeCondition condition(String type, String status, String reason, String message, String time) {
        return new NodeConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastHeartbeatTime(time)
                .withLastTransitionTime(time)
                .build();
    }

    private static String first(List<String> addresses) {
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    private interface Creation<T> {
        T create();
    }

    private static <T> T createIgnoringExisting(Creation<T> creation) {
        try {
            return creation.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null;
            }
            throw e;
        }
    }

    /** Node conditions as a map, for Machine conditions (NodeReady mirrors Ready). */
    static Map<String, NodeCondition> conditions(Node node) {
        Map<String, NodeCondition> byType = new java.util.LinkedHashMap<>();
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            node.getStatus().getConditions().forEach(c -> byType.put(c.getType(), c));
        }
        return byType;
    }
}
