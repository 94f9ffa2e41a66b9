package io.pcg.simulators;

import static io.pcg.simulators.Checks.get;
import static io.pcg.simulators.Checks.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.common.process.CommandRunner;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.simulators.vsphere.VirtualMachines;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import io.pcg.testkit.kube.UpstreamCrds;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pivot: the real {@code clusterctl move} (v1.13.5) moves a simulated gateway cluster from one real management
 * API server to another, both with the provider inventory; the simulators on the target rebuild every status from
 * vCenter and the workload cluster and clone no VM again.
 */
@ExtendWith(KubeApiServerExtension.class)
class ClusterctlMoveIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterctlMoveIT.class);
    private static final Duration PROVISIONING = Duration.ofMinutes(5);
    private static final String CLUSTER = "gwmove";

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    private static VcenterAccess vcenter;
    private static KubeApiServer target;

    @BeforeAll
    static void start() throws Exception {
        TestCluster.prepareVcsim(VCSIM.vcsim());
        vcenter = VcenterAccess.of(VCSIM.vcsim());
        target = KubeApiServer.start();
        UpstreamCrds.install(target.client());
        ClusterctlInventory.install(target.client());
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void moveCarriesTheClusterToTheTargetWhichRebuildsStatusWithoutNewVms(
            KubeApiServer source, KubernetesClient client, TestNamespace namespace) throws Exception {
        Clusterctl clusterctl = Clusterctl.find();
        ClusterctlInventory.install(client);
        String ns = namespace.name();
        KubernetesClient targetClient = target.client();
        try (var workloads = WorkloadClusters.onDemand();
                var sourceIpam = new TestIpam(client, ns);
                var sourceCapi = SimulatedCapi.builder(client)
                        .namespace(ns)
                        .workloads(workloads)
                        .vcenter(vcenter)
                        .start();
                var targetCapi = SimulatedCapi.builder(targetClient)
                        .namespace(ns)
                        .workloads(workloads)
                        .vcenter(vcenter)
                        .start()) {
            TestCluster.write(client, ns, CLUSTER, 3, VCSIM.vcsim(), "10.10.0.100");
            await("Cluster provisioned in the source")
                    .atMost(PROVISIONING)
                    .until(() -> Checks.settled(client, ns, CLUSTER, 3));
            Map<String, String> vmsBefore = vms(client, ns);
            String vcsimBefore = VCSIM.vcsim().govc("find", "/DC0/vm", "-type", "m");

            CommandRunner.Result move = clusterctl.move(source.kubeconfig(), target.kubeconfig(), ns);
            LOG.info("clusterctl move:\n{}{}", move.stdout(), move.stderr());
            assertThat(move.exitCode())
                    .as("clusterctl move:\n%s\n%s", move.stdout(), move.stderr())
                    .isZero();

            // the source keeps nothing of the cluster, the VMs stay
            for (Kind kind : List.of(
                    Kind.CLUSTER,
                    Kind.KUBEADM_CONTROL_PLANE,
                    Kind.MACHINE,
                    Kind.KUBEADM_CONFIG,
                    Kind.VSPHERE_CLUSTER,
                    Kind.VSPHERE_MACHINE,
                    Kind.VSPHERE_VM,
                    Kind.IP_ADDRESS_CLAIM,
                    Kind.IP_ADDRESS,
                    Kind.VSPHERE_MACHINE_TEMPLATE)) {
                assertThat(list(client, kind, ns))
                        .as("%s left in the source", kind.kind)
                        .isEmpty();
            }
            // KCP made the Cluster an owner of its machine template: the target can add Machines after the move.
            assertThat(list(targetClient, Kind.VSPHERE_MACHINE_TEMPLATE, ns)).isNotEmpty();
            assertThat(client.secrets()
                            .inNamespace(ns)
                            .withName(CLUSTER + "-kubeconfig")
                            .get())
                    .isNull();

            try (var targetIpam = new TestIpam(targetClient, ns)) {
                await("Cluster provisioned again in the target")
                        .atMost(PROVISIONING)
                        .until(() -> Checks.settled(targetClient, ns, CLUSTER, 3));
                GenericKubernetesResource cluster = get(targetClient, Kind.CLUSTER, ns, CLUSTER);
                assertThat(Obj.isTrue(cluster, "spec", "paused")).isFalse();
                assertThat(Obj.isTrue(cluster, "status", "initialization", "controlPlaneInitialized"))
                        .isTrue();
                for (GenericKubernetesResource machine : list(targetClient, Kind.MACHINE, ns)) {
                    assertThat(Obj.text(machine, "status", "phase")).isEqualTo("Running");
                    assertThat(Obj.text(machine, "status", "nodeRef", "name")).isEqualTo(Obj.name(machine));
                    Checks.assertConditionsWellFormed(machine);
                }
                assertThat(vms(targetClient, ns)).as("Machine -> BIOS UUID").isEqualTo(vmsBefore);
                assertThat(VCSIM.vcsim().govc("find", "/DC0/vm", "-type", "m"))
                        .as("VMs in vcsim")
                        .isEqualTo(vcsimBefore);
                VirtualMachines machines = new VirtualMachines(vcenter);
                for (String uuid : vmsBefore.values()) {
                    assertThat(machines.byBiosUuid("DC0", uuid).orElseThrow().poweredOn())
                            .isTrue();
                }
                // the target's claims are answered again with the moved addresses
                await("claims bound in the target")
                        .atMost(PROVISIONING)
                        .until(() -> list(targetClient, Kind.IP_ADDRESS_CLAIM, ns).stream()
                                .allMatch(c -> Obj.text(c, "status", "addressRef", "name") != null));
                assertThat(targetIpam.answered().values())
                        .containsExactlyInAnyOrderElementsOf(
                                sourceIpam.answered().values());
            }
        }
    }

    /** Machine name to the BIOS UUID of its VM (from the providerID). */
    private static Map<String, String> vms(KubernetesClient client, String namespace) {
        Map<String, String> vms = new TreeMap<>();
        for (GenericKubernetesResource machine : list(client, Kind.MACHINE, namespace)) {
            vms.put(Obj.name(machine), Obj.text(machine, "spec", "providerID").substring("vsphere://".length()));
        }
        return vms;
    }
}
