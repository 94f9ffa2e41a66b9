package io.pcg.agent.cluster.manifest;

import static io.pcg.agent.cluster.manifest.GatewayClusterManifest.CLUSTER_API_VERSION;
import static io.pcg.agent.cluster.manifest.GatewayClusterManifest.INFRASTRUCTURE_GROUP;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.NodeSize;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.ReservedIps;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.net.Ip;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker nodes of a cluster rendered by {@link GatewayClusterManifest}: per worker a stand-alone Machine with its
 * KubeadmConfig (join) and VSphereMachine, all named after the worker. Stand-alone machines, not a
 * MachineDeployment, because each worker has its own placement domain and, with reserved static IPs, its own
 * address, which a MachineDeployment's single template cannot express.
 */
public final class WorkerMachines {

    private static final String BOOTSTRAP_GROUP = "bootstrap.cluster.x-k8s.io";
    /** Which worker pool a machine belongs to. */
    public static final String POOL_LABEL = "pcg.io/worker-pool";

    /**
     * One worker VM.
     *
     * @param name      the Machine's name, which becomes the VM's and the host's name
     * @param pool      the worker pool it belongs to
     * @param placement its placement domain
     * @param address   its fixed address with {@link ReservedIps}, null otherwise
     */
    public record Worker(String name, String pool, Placement placement, NodeSize size, Ip address) {}

    private WorkerMachines() {}

    /** For each worker, in order: KubeadmConfig, VSphereMachine, Machine (the machine last: it references the two). */
    public static List<HasMetadata> render(GatewayClusterSpec spec, String nodeUser, List<Worker> workers) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Worker worker : workers) {
            ObjectNode config = GatewayClusterManifest.object();
            ObjectNode join = config.putObject("joinConfiguration");
            join.set("nodeRegistration", GatewayClusterManifest.nodeRegistration());
            GatewayClusterManifest.nodeSetup(spec, nodeUser, config, List.of(), List.of());
            objects.add(labelled(
                    GatewayClusterManifest.resource(
                            spec, BOOTSTRAP_GROUP + "/v1beta2", "KubeadmConfig", worker.name(), config),
                    worker));

            objects.add(labelled(
                    GatewayClusterManifest.resource(
                            spec,
                            INFRASTRUCTURE_GROUP + "/v1beta2",
                            "VSphereMachine",
                            worker.name(),
                            GatewayClusterManifest.vmSpec(spec, worker.placement(), worker.size(), worker.address())),
                    worker));

            ObjectNode machine = GatewayClusterManifest.object();
            machine.put("clusterName", spec.name());
            machine.put("version", spec.kubernetesVersion());
            machine.putObject("bootstrap")
                    .set(
                            "configRef",
                            GatewayClusterManifest.reference(BOOTSTRAP_GROUP, "KubeadmConfig", worker.name()));
            machine.set(
                    "infrastructureRef",
                    GatewayClusterManifest.reference(INFRASTRUCTURE_GROUP, "VSphereMachine", worker.name()));
            objects.add(labelled(
                    GatewayClusterManifest.resource(spec, CLUSTER_API_VERSION, "Machine", worker.name(), machine),
                    worker));
        }
        return List.copyOf(objects);
    }

    private static GenericKubernetesResource labelled(GenericKubernetesResource resource, Worker worker) {
        resource.getMetadata().getLabels().put(POOL_LABEL, worker.pool());
        return resource;
    }
}
