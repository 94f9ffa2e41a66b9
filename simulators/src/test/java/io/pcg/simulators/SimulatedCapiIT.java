package io.pcg.simulators;

import static io.pcg.simulators.Checks.get;
import static io.pcg.simulators.Checks.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pcg.simulators.vsphere.GuestMetadata;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.simulators.vsphere.VirtualMachines;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulated providers against a real kube-apiserver (management), vcsim (VMs) and one kube-apiserver per
 * workload cluster: 1- and 3-node control planes reach Available with real VM clones carrying their claimed
 * addresses, one control-plane Machine at a time; deletion cleans up; faults show as conditions and clear.
 */
@ExtendWith(KubeApiServerExtension.class)
class SimulatedCapiIT {

    /** Bounds for a loaded 2-core machine starting a workload kube-apiserver per test, not performance goals. */
    private static final Duration ONE_NODE = Duration.ofMinutes(3);

    private static final Duration THREE_NODES = Duration.ofMinutes(5);
    private static final String VIP = "10.10.0.100";

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    private static VcenterAccess vcenter;

    @BeforeAll
    static void nodeTemplate() throws Exception {
        TestCluster.prepareVcsim(VCSIM.vcsim());
        vcenter = VcenterAccess.of(VCSIM.vcsim());
    }

    private static SimulatedCapi simulators(
            KubernetesClient client, TestNamespace namespace, WorkloadClusters workloads, Faults faults) {
        return SimulatedCapi.builder(client)
                .namespace(namespace.name())
                .workloads(workloads)
                .vcenter(vcenter)
                .delays(Delays.defaults())
                .faults(faults)
                .start();
    }

    @Test
    void oneNodeClusterBecomesAvailable(KubernetesClient client, TestNamespace namespace) throws Exception {
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var recorder = new ProvisioningRecorder(client, namespace.name());
                var capi = simulators(client, namespace, workloads, Faults.none())) {
            TestCluster.write(client, namespace.name(), "gw1", 1, VCSIM.vcsim(), VIP);

            await("Cluster gw1 provisioned")
                    .atMost(ONE_NODE)
                    .until(() -> Checks.settled(client, namespace.name(), "gw1", 1));

            assertProvisioned(client, namespace.name(), "gw1", 1, workloads, ipam);
            assertThat(recorder.maxProvisioningAtOnce()).isEqualTo(1);
        }
    }

    @Test
    void threeNodeControlPlaneProvisionsOneMachineAtATime(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var recorder = new ProvisioningRecorder(client, namespace.name());
                var capi = simulators(client, namespace, workloads, Faults.none())) {
            TestCluster.write(client, namespace.name(), "gw3", 3, VCSIM.vcsim(), VIP);

            await("Cluster gw3 provisioned with 3 control-plane Machines")
                    .atMost(THREE_NODES)
                    .until(() -> Checks.settled(client, namespace.name(), "gw3", 3));

            assertProvisioned(client, namespace.name(), "gw3", 3, workloads, ipam);
            assertThat(recorder.creations()).hasSize(3);
            assertThat(recorder.maxProvisioningAtOnce())
                    .as("control-plane Machines provisioning at once: %s", recorder.creations())
                    .isEqualTo(1);
            // the first one ran kubeadm init, the others joined
            List<GenericKubernetesResource> configs = list(client, Kind.KUBEADM_CONFIG, namespace.name());
            assertThat(configs.stream().filter(c -> Obj.at(c, "spec", "initConfiguration") != null))
                    .hasSize(1);
            assertThat(configs.stream().filter(c -> Obj.at(c, "spec", "joinConfiguration", "controlPlane") != null))
                    .hasSize(2);
        }
    }

    @Test
    void deletingTheClusterRemovesVmsClaimsAndObjects(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var capi = simulators(client, namespace, workloads, Faults.none())) {
            TestCluster.write(client, namespace.name(), "gwdel", 1, VCSIM.vcsim(), VIP);
            await("Cluster gwdel provisioned")
                    .atMost(ONE_NODE)
                    .until(() -> Checks.settled(client, namespace.name(), "gwdel", 1));
            String machine =
                    Obj.name(list(client, Kind.MACHINE, namespace.name()).get(0));
            String biosUuid = Obj.text(get(client, Kind.VSPHERE_VM, namespace.name(), machine), "spec", "biosUUID");
            assertThat(new VirtualMachines(vcenter).byBiosUuid("DC0", biosUuid)).isPresent();

            client.genericKubernetesResources(Kind.CLUSTER.context)
                    .inNamespace(namespace.name())
                    .withName("gwdel")
                    .delete();

            await("Cluster gwdel and everything it owned gone")
                    .atMost(ONE_NODE)
                    .until(() -> get(client, Kind.CLUSTER, namespace.name(), "gwdel") == null
                            && list(client, Kind.MACHINE, namespace.name()).isEmpty()
                            && list(client, Kind.KUBEADM_CONTROL_PLANE, namespace.name())
                                    .isEmpty()
                            && list(client, Kind.KUBEADM_CONFIG, namespace.name())
                                    .isEmpty()
                            && list(client, Kind.VSPHERE_MACHINE, namespace.name())
                                    .isEmpty()
                            && list(client, Kind.VSPHERE_VM, namespace.name()).isEmpty()
                            && list(client, Kind.VSPHERE_CLUSTER, namespace.name())
                                    .isEmpty()
                            && list(client, Kind.IP_ADDRESS_CLAIM, namespace.name())
                                    .isEmpty()
                            && list(client, Kind.IP_ADDRESS, namespace.name()).isEmpty()
                            && client.secrets().inNamespace(namespace.name()).list().getItems().stream()
                                    .noneMatch(s -> s.getMetadata().getName().startsWith("gwdel")));
            assertThat(new VirtualMachines(vcenter).byBiosUuid("DC0", biosUuid))
                    .as("VM %s", machine)
                    .isEmpty();
            assertThat(VCSIM.vcsim().govc("find", "/DC0/vm/" + TestCluster.VM_FOLDER, "-type", "m", "-name", machine))
                    .isBlank();
            assertThat(workloads.started()).doesNotContainKey(namespace.name() + "/gwdel");
        }
    }

    @Test
    void cloneFaultShowsAsConditionAndClears(KubernetesClient client, TestNamespace namespace) throws Exception {
        Faults faults = Faults.none();
        String message = "simulated: insufficient disk space on datastore LocalDS_0";
        Faults.Fault fault = faults.failClone(name -> name.startsWith("gwfault-"), message);
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var capi = simulators(client, namespace, workloads, faults)) {
            TestCluster.write(client, namespace.name(), "gwfault", 1, VCSIM.vcsim(), VIP);

            AtomicReference<String> machine = new AtomicReference<>();
            await("the clone failure as conditions").atMost(ONE_NODE).until(() -> {
                List<GenericKubernetesResource> machines = list(client, Kind.MACHINE, namespace.name());
                if (machines.isEmpty()) {
                    return false;
                }
                machine.set(Obj.name(machines.get(0)));
                GenericKubernetesResource vm = get(client, Kind.VSPHERE_VM, namespace.name(), machine.get());
                GenericKubernetesResource m = machines.get(0);
                return vm != null
                        && "TaskFailed".equals(reason(vm, "VirtualMachineProvisioned"))
                        && message.equals(Conditions.message(vm, "VirtualMachineProvisioned"))
                        && Conditions.FALSE.equals(Conditions.status(m, "InfrastructureReady"))
                        && Conditions.message(m, "InfrastructureReady").contains(message);
            });
            GenericKubernetesResource vsphereMachine =
                    get(client, Kind.VSPHERE_MACHINE, namespace.name(), machine.get());
            assertThat(reason(vsphereMachine, "VirtualMachineProvisioned")).isEqualTo("TaskFailed");
            assertThat(VCSIM.vcsim().govc("find", "/DC0/vm", "-type", "m", "-name", machine.get()))
                    .isBlank();
            assertThat(Conditions.isTrue(get(client, Kind.CLUSTER, namespace.name(), "gwfault"), "Available"))
                    .isFalse();

            fault.clear();

            await("Cluster gwfault provisioned after the fault cleared")
                    .atMost(ONE_NODE)
                    .until(() -> Checks.settled(client, namespace.name(), "gwfault", 1));
            assertThat(Conditions.isTrue(
                            get(client, Kind.VSPHERE_VM, namespace.name(), machine.get()), "VirtualMachineProvisioned"))
                    .isTrue();
        }
    }

    @Test
    void machineThatNeverBecomesReadyHoldsBackTheNextOne(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        Faults faults = Faults.none();
        // the first guest to boot is the kubeadm init Machine; every later one never registers its Node
        AtomicReference<String> first = new AtomicReference<>();
        Faults.Fault fault = faults.neverReady(name -> {
            first.compareAndSet(null, name);
            return !name.equals(first.get());
        });
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var capi = simulators(client, namespace, workloads, faults)) {
            TestCluster.write(client, namespace.name(), "gwslow", 3, VCSIM.vcsim(), VIP);
            await("the second Machine, stuck without a Node")
                    .atMost(THREE_NODES)
                    .until(() -> {
                        List<GenericKubernetesResource> machines = list(client, Kind.MACHINE, namespace.name());
                        return first.get() != null
                                && machines.size() == 2
                                && machines.stream()
                                        .anyMatch(m -> !Obj.name(m).equals(first.get())
                                                && "Provisioned".equals(Obj.text(m, "status", "phase"))
                                                && "NodeDoesNotExist".equals(reason(m, "NodeHealthy")));
                    });
            // KCP's preflight holds the third Machine back while the second is not Ready
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> list(client, Kind.MACHINE, namespace.name()).size() == 2);
            GenericKubernetesResource kcp = get(client, Kind.KUBEADM_CONTROL_PLANE, namespace.name(), "gwslow");
            assertThat(Conditions.status(kcp, "ScalingUp")).isEqualTo(Conditions.TRUE);
            assertThat(Conditions.message(kcp, "ScalingUp"))
                    .contains("blocked", "does not have a corresponding Node yet");
            assertThat(Conditions.isTrue(
                            get(client, Kind.CLUSTER, namespace.name(), "gwslow"), "ControlPlaneInitialized"))
                    .isTrue();

            fault.clear();

            await("Cluster gwslow provisioned with 3 Machines")
                    .atMost(THREE_NODES)
                    .until(() -> Checks.settled(client, namespace.name(), "gwslow", 3));
        }
    }

    @Test
    void pausedClusterIsLeftAloneUntilUnpaused(KubernetesClient client, TestNamespace namespace) throws Exception {
        try (var workloads = WorkloadClusters.onDemand();
                var ipam = new TestIpam(client, namespace.name());
                var capi = simulators(client, namespace, workloads, Faults.none())) {
            TestCluster.write(client, namespace.name(), "gwpaused", 1, VCSIM.vcsim(), VIP, true);

            await("Paused condition on the Cluster")
                    .atMost(ONE_NODE)
                    .until(() -> Checks.conditionTrue(client, Kind.CLUSTER, namespace.name(), "gwpaused", "Paused"));
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> list(client, Kind.MACHINE, namespace.name()).isEmpty()
                            && Obj.at(
                                            get(client, Kind.VSPHERE_CLUSTER, namespace.name(), "gwpaused"),
                                            "status",
                                            "initialization")
                                    == null
                            && get(client, Kind.CLUSTER, namespace.name(), "gwpaused")
                                    .getMetadata()
                                    .getFinalizers()
                                    .isEmpty());
            // nothing else moved: no owner references set, no status written below the Cluster
            assertThat(get(client, Kind.KUBEADM_CONTROL_PLANE, namespace.name(), "gwpaused")
                            .getMetadata()
                            .getOwnerReferences())
                    .isNullOrEmpty();
            assertThat(Obj.at(get(client, Kind.KUBEADM_CONTROL_PLANE, namespace.name(), "gwpaused"), "status"))
                    .isNull();

            client.genericKubernetesResources(Kind.CLUSTER.context)
                    .inNamespace(namespace.name())
                    .withName("gwpaused")
                    .edit(cluster -> {
                        Obj.spec(cluster).put("paused", false);
                        return cluster;
                    });

            await("Cluster gwpaused provisioned once unpaused")
                    .atMost(ONE_NODE)
                    .until(() -> Checks.settled(client, namespace.name(), "gwpaused", 1));
            assertThat(Conditions.status(get(client, Kind.CLUSTER, namespace.name(), "gwpaused"), "Paused"))
                    .isEqualTo(Conditions.FALSE);
        }
    }

    private static String reason(GenericKubernetesResource resource, String type) {
        Map<String, Object> condition = Conditions.get(resource, type);
        return condition == null ? null : String.valueOf(condition.get("reason"));
    }

    /** Everything a provisioned gateway cluster must show, from the Cluster down to the VMs and the workload cluster. */
    static void assertProvisioned(
            KubernetesClient client,
            String namespace,
            String cluster,
            int replicas,
            WorkloadClusters workloads,
            TestIpam ipam)
            throws Exception {
        GenericKubernetesResource clusterObject = get(client, Kind.CLUSTER, namespace, cluster);
        Checks.assertConditionsWellFormed(clusterObject);
        assertThat(Obj.isTrue(clusterObject, "status", "initialization", "infrastructureProvisioned"))
                .isTrue();
        assertThat(Obj.isTrue(clusterObject, "status", "initialization", "controlPlaneInitialized"))
                .isTrue();
        assertThat(Obj.text(clusterObject, "status", "phase")).isEqualTo("Provisioned");
        assertThat(Obj.text(clusterObject, "spec", "controlPlaneEndpoint", "host"))
                .isEqualTo(VIP);
        for (String condition : List.of(
                "InfrastructureReady",
                "ControlPlaneInitialized",
                "ControlPlaneAvailable",
                "WorkersAvailable",
                "RemoteConnectionProbe",
                "ControlPlaneMachinesReady",
                "Available")) {
            assertThat(Conditions.status(clusterObject, condition))
                    .as("Cluster %s", condition)
                    .isEqualTo(Conditions.TRUE);
        }
        assertThat(Obj.at(clusterObject, "status", "controlPlane", "readyReplicas"))
                .isEqualTo(replicas);

        GenericKubernetesResource kcp = get(client, Kind.KUBEADM_CONTROL_PLANE, namespace, cluster);
        Checks.assertConditionsWellFormed(kcp);
        assertThat(Obj.isTrue(kcp, "status", "initialization", "controlPlaneInitialized"))
                .isTrue();
        for (String field : List.of("replicas", "readyReplicas", "availableReplicas", "upToDateReplicas")) {
            assertThat(Obj.at(kcp, "status", field))
                    .as("KubeadmControlPlane status.%s", field)
                    .isEqualTo(replicas);
        }
        assertThat(Conditions.isTrue(kcp, "Available")).isTrue();

        GenericKubernetesResource vsphereCluster = get(client, Kind.VSPHERE_CLUSTER, namespace, cluster);
        assertThat(Obj.isTrue(vsphereCluster, "status", "initialization", "provisioned"))
                .isTrue();
        Secret identity =
                client.secrets().inNamespace(namespace).withName(cluster).get();
        assertThat(identity.getMetadata().getFinalizers()).contains(VSphereClusterReconciler.SECRET_FINALIZER);
        assertThat(identity.getMetadata().getOwnerReferences())
                .anyMatch(o -> o.getKind().equals("VSphereCluster"));

        Secret kubeconfig = client.secrets()
                .inNamespace(namespace)
                .withName(cluster + "-kubeconfig")
                .get();
        assertThat(kubeconfig.getType()).isEqualTo("cluster.x-k8s.io/secret");
        assertThat(kubeconfig.getMetadata().getLabels()).containsEntry(Sim.CLUSTER_NAME_LABEL, cluster);
        String kubeconfigText =
                new String(Base64.getDecoder().decode(kubeconfig.getData().get("value")), StandardCharsets.UTF_8);
        assertThat(kubeconfigText).contains("current-context: \"" + cluster + "-admin@" + cluster + "\"");
        try (KubernetesClient workload = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfigText))
                .build()) {
            assertThat(workload.configMaps()
                            .inNamespace("kube-system")
                            .withName("kubeadm-config")
                            .get())
                    .isNotNull();
            List<Node> nodes = workload.nodes().list().getItems();
            assertThat(nodes).hasSize(replicas);
            assertThat(nodes).allSatisfy(node -> {
                assertThat(node.getMetadata().getLabels()).containsKey("node-role.kubernetes.io/control-plane");
                assertThat(node.getSpec().getTaints())
                        .anyMatch(t -> t.getKey().equals("node-role.kubernetes.io/control-plane"));
                assertThat(node.getStatus().getNodeInfo().getKubeletVersion())
                        .isEqualTo(TestCluster.KUBERNETES_VERSION);
            });
        }

        VirtualMachines vms = new VirtualMachines(vcenter);
        List<GenericKubernetesResource> machines = list(client, Kind.MACHINE, namespace);
        assertThat(machines).hasSize(replicas);
        for (GenericKubernetesResource machine : machines) {
            String name = Obj.name(machine);
            Checks.assertConditionsWellFormed(machine);
            assertThat(Obj.text(machine, "status", "phase"))
                    .as("Machine %s phase", name)
                    .isEqualTo("Running");
            assertThat(Obj.text(machine, "status", "nodeRef", "name")).isEqualTo(name);
            assertThat(Obj.isTrue(machine, "status", "initialization", "bootstrapDataSecretCreated"))
                    .isTrue();
            assertThat(Obj.isTrue(machine, "status", "initialization", "infrastructureProvisioned"))
                    .isTrue();
            assertThat(Obj.text(machine, "spec", "bootstrap", "dataSecretName")).isEqualTo(name);
            for (String condition : List.of(
                    "BootstrapConfigReady",
                    "InfrastructureReady",
                    "NodeReady",
                    "NodeHealthy",
                    "Ready",
                    "Available",
                    "UpToDate",
                    "APIServerPodHealthy",
                    "ControllerManagerPodHealthy",
                    "SchedulerPodHealthy",
                    "EtcdPodHealthy",
                    "EtcdMemberHealthy")) {
                assertThat(Conditions.status(machine, condition))
                        .as("Machine %s %s", name, condition)
                        .isEqualTo(Conditions.TRUE);
            }
            assertThat(Conditions.status(machine, "Deleting")).isEqualTo(Conditions.FALSE);

            Secret data = client.secrets().inNamespace(namespace).withName(name).get();
            assertThat(data.getType()).isEqualTo("cluster.x-k8s.io/secret");
            assertThat(data.getData()).containsKeys("value", "format");
            assertThat(data.getMetadata().getLabels()).containsEntry(Sim.CLUSTER_NAME_LABEL, cluster);
            assertThat(data.getMetadata().getOwnerReferences())
                    .anyMatch(o -> o.getKind().equals("KubeadmConfig")
                            && o.getName().equals(name)
                            && Boolean.TRUE.equals(o.getController()));

            GenericKubernetesResource claim = get(client, Kind.IP_ADDRESS_CLAIM, namespace, name + "-0-0");
            assertThat(claim).as("IPAddressClaim %s-0-0", name).isNotNull();
            assertThat(claim.getApiVersion()).isEqualTo("ipam.cluster.x-k8s.io/v1beta2");
            assertThat(claim.getMetadata().getFinalizers()).contains(VSphereVmReconciler.CLAIM_FINALIZER);
            assertThat(claim.getMetadata().getLabels()).containsEntry(Sim.CLUSTER_NAME_LABEL, cluster);
            assertThat(Obj.text(claim, "spec", "clusterName")).isEqualTo(cluster);
            assertThat(claim.getMetadata().getOwnerReferences())
                    .anyMatch(
                            o -> o.getKind().equals("VSphereVM") && o.getName().equals(name));
            String address = ipam.answered().get(name + "-0-0");
            assertThat(address).isNotNull();

            GenericKubernetesResource vsphereMachine = get(client, Kind.VSPHERE_MACHINE, namespace, name);
            String providerId = Obj.text(vsphereMachine, "spec", "providerID");
            assertThat(providerId).startsWith("vsphere://");
            assertThat(Obj.text(machine, "spec", "providerID")).isEqualTo(providerId);
            assertThat(Obj.isTrue(vsphereMachine, "status", "initialization", "provisioned"))
                    .isTrue();
            assertThat(Obj.maps(vsphereMachine, "status", "addresses"))
                    .contains(
                            Map.of("type", "ExternalIP", "address", address),
                            Map.of("type", "InternalDNS", "address", name));

            VirtualMachines.VmInfo vm = vms.byBiosUuid("DC0", providerId.substring("vsphere://".length()))
                    .orElseThrow();
            assertThat(vm.name()).isEqualTo(name);
            assertThat(vm.poweredOn()).isTrue();
            assertThat(vm.numCpus()).isEqualTo(2);
            assertThat(vm.memoryMiB()).isEqualTo(8192);
            assertThat(vm.ipAddresses()).containsExactly(address);
            assertThat(vm.extraConfig())
                    .containsEntry("guestinfo.metadata.encoding", "base64")
                    .containsEntry("guestinfo.userdata.encoding", "base64");
            String metadata = GuestMetadata.decode(vm.extraConfig().get("guestinfo.metadata"));
            assertThat(metadata)
                    .contains(
                            "local-hostname: \"" + name + "\"",
                            "- \"" + address + "/24\"",
                            "gateway4: \"10.10.0.1\"",
                            "- \"10.10.0.2\"");
            assertThat(GuestMetadata.addresses(metadata)).containsExactly(address + "/24");
            assertThat(VCSIM.vcsim().govc("find", "/DC0/vm/" + TestCluster.VM_FOLDER, "-type", "m", "-name", name))
                    .isNotBlank();
        }
    }
}
