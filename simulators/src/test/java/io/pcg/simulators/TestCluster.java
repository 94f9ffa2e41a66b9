package io.pcg.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pcg.testkit.vsphere.Vcsim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * A gateway cluster as the tests write it: the control-plane objects of CAPV's {@code cluster-template-node-ipam.yaml}
 * (Cluster, VSphereCluster with a Secret identity, VSphereMachineTemplate with {@code addressesFromPools},
 * KubeadmControlPlane with the kube-vip static pod) plus the InClusterIPPool the claims name, for vcsim's default
 * inventory (DC0, DC0_C0, LocalDS_0, "VM Network") and the node template VM {@link #TEMPLATE}.
 */
final class TestCluster {

    static final String TEMPLATE = "ubuntu-2204-kube-v1.34.4";
    static final String TEMPLATE_FOLDER = "templates";
    static final String VM_FOLDER = "pcg";
    static final String KUBERNETES_VERSION = "v1.34.4";
    static final String POOL = "node-pool";
    static final ResourceDefinitionContext POOLS = new ResourceDefinitionContext.Builder()
            .withGroup("ipam.cluster.x-k8s.io")
            .withVersion("v1alpha2")
            .withKind("InClusterIPPool")
            .withPlural("inclusterippools")
            .withNamespaced(true)
            .build();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TestCluster() {}

    /** The node template VM and the VM folder in vcsim (what the appliance's OVA import provides). */
    static void prepareVcsim(Vcsim vcsim) throws IOException {
        vcsim.govc("folder.create", "/DC0/vm/" + TEMPLATE_FOLDER);
        vcsim.govc("folder.create", "/DC0/vm/" + VM_FOLDER);
        vcsim.govc(
                "vm.create",
                "-on=false",
                "-ds",
                "LocalDS_0",
                "-pool",
                "/DC0/host/DC0_C0/Resources",
                "-folder",
                "/DC0/vm/" + TEMPLATE_FOLDER,
                "-net",
                "VM Network",
                "-c",
                "2",
                "-m",
                "4096",
                "-g",
                "ubuntu64Guest",
                TEMPLATE);
        vcsim.govc("vm.markastemplate", "/DC0/vm/" + TEMPLATE_FOLDER + "/" + TEMPLATE);
    }

    /** Writes the cluster's objects into {@code namespace}; the simulators do the rest. */
    static void write(KubernetesClient client, String namespace, String name, int replicas, Vcsim vcsim, String vip) {
        write(client, namespace, name, replicas, vcsim, vip, false);
    }

    /** As above; {@code paused} writes the Cluster with {@code spec.paused: true}. */
    static void write(
            KubernetesClient client,
            String namespace,
            String name,
            int replicas,
            Vcsim vcsim,
            String vip,
            boolean paused) {
        client.secrets()
                .inNamespace(namespace)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .addToStringData("username", Vcsim.USERNAME)
                        .addToStringData("password", Vcsim.PASSWORD)
                        .build())
                .create();
        String yaml = """
                apiVersion: ipam.cluster.x-k8s.io/v1alpha2
                kind: InClusterIPPool
                metadata:
                  name: %4$s
                spec:
                  addresses: ["10.10.0.10-10.10.0.60"]
                  prefix: 24
                  gateway: 10.10.0.1
                ---
                apiVersion: cluster.x-k8s.io/v1beta2
                kind: Cluster
                metadata:
                  labels:
                    cluster.x-k8s.io/cluster-name: %1$s
                  name: %1$s
                spec:
                  clusterNetwork:
                    pods:
                      cidrBlocks:
                      - 192.168.0.0/16
                  paused: %9$s
                  controlPlaneRef:
                    apiGroup: controlplane.cluster.x-k8s.io
                    kind: KubeadmControlPlane
                    name: %1$s
                  infrastructureRef:
                    apiGroup: infrastructure.cluster.x-k8s.io
                    kind: VSphereCluster
                    name: %1$s
                ---
                apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
                kind: VSphereCluster
                metadata:
                  name: %1$s
                spec:
                  controlPlaneEndpoint:
                    host: %3$s
                    port: 6443
                  identityRef:
                    kind: Secret
                    name: %1$s
                  server: %5$s
                ---
                apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
                kind: VSphereMachineTemplate
                metadata:
                  name: %1$s
                spec:
                  template:
                    spec:
                      cloneMode: linkedClone
                      datacenter: DC0
                      datastore: LocalDS_0
                      diskGiB: 25
                      folder: %6$s
                      memoryMiB: 8192
                      network:
                        devices:
                        - addressesFromPools:
                          - apiGroup: ipam.cluster.x-k8s.io
                            kind: InClusterIPPool
                            name: %4$s
                          dhcp4: false
                          dhcp6: false
                          nameservers:
                          - 10.10.0.2
                          networkName: VM Network
                      numCPUs: 2
                      os: Linux
                      powerOffMode: trySoft
                      resourcePool: /DC0/host/DC0_C0/Resources
                      server: %5$s
                      template: %7$s
                ---
                apiVersion: controlplane.cluster.x-k8s.io/v1beta2
                kind: KubeadmControlPlane
                metadata:
                  name: %1$s
                spec:
                  kubeadmConfigSpec:
                    clusterConfiguration:
                      controllerManager:
                        extraArgs:
                        - name: cloud-provider
                          value: external
                    files:
                    - content: |
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: kube-vip
                          namespace: kube-system
                        spec:
                          containers:
                          - args: [manager]
                            env:
                            - name: address
                              value: %3$s
                            image: ghcr.io/kube-vip/kube-vip:v0.6.4
                            name: kube-vip
                          hostNetwork: true
                      owner: root:root
                      path: /etc/kubernetes/manifests/kube-vip.yaml
                      permissions: "0644"
                    - content: 127.0.0.1 localhost kubernetes
                      owner: root:root
                      path: /etc/kube-vip.hosts
                      permissions: "0644"
                    initConfiguration:
                      nodeRegistration:
                        criSocket: /var/run/containerd/containerd.sock
                        kubeletExtraArgs:
                        - name: cloud-provider
                          value: external
                        name: '{{ local_hostname }}'
                    joinConfiguration:
                      nodeRegistration:
                        criSocket: /var/run/containerd/containerd.sock
                        kubeletExtraArgs:
                        - name: cloud-provider
                          value: external
                        name: '{{ local_hostname }}'
                    preKubeadmCommands:
                    - hostnamectl set-hostname "{{ ds.meta_data.hostname }}"
                    - mkdir -p /etc/pre-kubeadm-commands
                    users:
                    - name: capv
                      sshAuthorizedKeys:
                      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPcgTestKeyOnlyForSimulatorTests pcg@test
                      sudo: ALL=(ALL) NOPASSWD:ALL
                  machineTemplate:
                    spec:
                      infrastructureRef:
                        apiGroup: infrastructure.cluster.x-k8s.io
                        kind: VSphereMachineTemplate
                        name: %1$s
                  replicas: %2$d
                  version: %8$s
                """.formatted(
                        name, replicas, vip, POOL, vcsim.server(), VM_FOLDER, TEMPLATE, KUBERNETES_VERSION, paused);
        try {
            Iterator<Map<String, Object>> documents =
                    YAML.readerForMapOf(Object.class).readValues(yaml);
            while (documents.hasNext()) {
                GenericKubernetesResource resource =
                        YAML.convertValue(documents.next(), GenericKubernetesResource.class);
                resource.getMetadata().setNamespace(namespace);
                client.resource(resource).inNamespace(namespace).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
