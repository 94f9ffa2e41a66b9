package io.pcg.agent.cluster.manifest;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pcg.common.net.Ip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control-plane VIP: kube-vip as a static pod on every control-plane node, holding the VIP on the elected
 * leader and announcing it with ARP, so the API server has one address that survives the loss of a node without
 * a load balancer in front of the cluster. The manifest is a fabric8 {@link Pod}, written by cloud-init into
 * kubelet's manifest folder before kubeadm runs.
 */
final class KubeVip {

    /** The release CAPV v1.16 ships in its own cluster templates, so the one tested with this CAPV. */
    private static final String IMAGE = "ghcr.io/kube-vip/kube-vip:v0.6.4";

    private static final String MANIFEST_PATH = "/etc/kubernetes/manifests/kube-vip.yaml";
    /** The same pod for the node that runs {@code kubeadm init}; copied over the manifest there (see below). */
    private static final String INIT_MANIFEST_PATH = "/etc/kube-vip/kube-vip-init.yaml";
    /**
     * kube-vip reaches the local API server as {@code kubernetes}: it cannot use the VIP it has not taken yet. This
     * file becomes its /etc/hosts.
     */
    private static final String HOSTS_PATH = "/etc/kube-vip.hosts";

    private static final String ADMIN_KUBECONFIG = "/etc/kubernetes/admin.conf";
    /**
     * Since Kubernetes 1.29 admin.conf gets its rights from a binding kubeadm creates only once the API server is up,
     * which needs the VIP first; on the first node kube-vip must use super-admin.conf instead (kube-vip issue 684).
     */
    private static final String SUPER_ADMIN_KUBECONFIG = "/etc/kubernetes/super-admin.conf";
    /** CABPK writes kubeadm's configuration here only on the node that runs {@code kubeadm init}. */
    private static final String KUBEADM_INIT_CONFIG = "/run/kubeadm/kubeadm.yaml";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KubeVip() {}

    /** The kube-vip pod holding {@code vip} for the API server on {@code port}, reading {@code kubeconfig} of the host. */
    private static Pod pod(Ip vip, int port, String kubeconfig) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("address", vip.toString());
        env.put("port", Integer.toString(port));
        env.put("vip_cidr", Integer.toString(vip.family().bits()));
        env.put("vip_arp", "true");
        env.put("cp_enable", "true");
        env.put("cp_namespace", "kube-system");
        env.put("vip_leaderelection", "true");
        env.put("vip_leasename", "plndr-cp-lock");
        env.put("vip_leaseduration", "15");
        env.put("vip_renewdeadline", "10");
        env.put("vip_retryperiod", "2");
        List<EnvVar> variables = new ArrayList<>();
        env.forEach((name, value) -> variables.add(new EnvVar(name, value, null)));
        return new PodBuilder()
                .withNewMetadata()
                .withName("kube-vip")
                .withNamespace("kube-system")
                .endMetadata()
                .withNewSpec()
                .withHostNetwork(true)
                .addNewContainer()
                .withName("kube-vip")
                .withImage(IMAGE)
                .withImagePullPolicy("IfNotPresent")
                .withArgs("manager")
                .withEnv(variables)
                .withNewSecurityContext()
                .withNewCapabilities()
                .withAdd("NET_ADMIN", "NET_RAW")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName("kubeconfig")
                .withMountPath(ADMIN_KUBECONFIG)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("etchosts")
                .withMountPath("/etc/hosts")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("kubeconfig")
                .withNewHostPath()
                .withPath(kubeconfig)
                .endHostPath()
                .endVolume()
                .addNewVolume()
                .withName("etchosts")
                .withNewHostPath()
                .withPath(HOSTS_PATH)
                .withType("File")
                .endHostPath()
                .endVolume()
                .endSpec()
                .build();
    }

    /**
     * The files every control-plane node gets: the manifest for joining nodes, the variant for the first node and
     * kube-vip's hosts file. Both manifests are rendered from {@link #pod}, so they differ only in the kubeconfig.
     */
    static List<KubeadmFile> files(Ip vip, int port) {
        return List.of(
                KubeadmFile.inline(MANIFEST_PATH, "0644", SERIALIZATION.asYaml(pod(vip, port, ADMIN_KUBECONFIG))),
                KubeadmFile.inline(
                        INIT_MANIFEST_PATH, "0644", SERIALIZATION.asYaml(pod(vip, port, SUPER_ADMIN_KUBECONFIG))),
                KubeadmFile.inline(HOSTS_PATH, "0644", "127.0.0.1 localhost kubernetes\n"));
    }

    /** Runs before kubeadm: on the first node only, kube-vip uses super-admin.conf. */
    static String selectManifestCommand() {
        return "if [ -f " + KUBEADM_INIT_CONFIG + " ]; then cp " + INIT_MANIFEST_PATH + " " + MANIFEST_PATH + "; fi";
    }
}
