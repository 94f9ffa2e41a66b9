package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pcg.agent.kube.Fields;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Cluster API objects of the gateway cluster say about its provisioning, read the way CAPI itself reads
 * them (v1beta2: {@code status.initialization.*}, {@code status.nodeRef}, conditions). Pure: the controller lists
 * the objects and acts on the answer.
 *
 * @param infrastructureProvisioned the VSphereCluster is provisioned (vCenter session, control-plane endpoint)
 * @param claimProblem              why a node's address claim is not answered, e.g. the pool is exhausted
 * @param claimsBound               claims answered, of all claims so far
 * @param claims                    address claims so far
 * @param controlPlaneInitialized   the first control-plane node runs the API server
 * @param nodes                     machines that have a node, with their address and readiness
 * @param machines                  machines so far
 * @param desiredReplicas           the KubeadmControlPlane's replicas
 * @param readyReplicas             control-plane machines that are Ready
 * @param remediations              nodes Cluster API is relaunching after a failed health check, oldest first
 */
record Progress(boolean infrastructureProvisioned, Optional<String> claimProblem, int claimsBound, int claims,
                boolean controlPlaneInitialized, List<Node> nodes, int machines, int desiredReplicas, int readyReplicas,
                List<NodeRemediation> remediations) {

    /** A machine with a node. */
    record Node(String name, String address, boolean ready) {
    }

    static Progress observe(GenericKubernetesResource cluster, GenericKubernetesResource vsphereCluster,
                            GenericKubernetesResource controlPlane, List<GenericKubernetesResource> machines,
                            List<GenericKubernetesResource> claims) {
        boolean infrastructure = vsphereCluster != null
                && Boolean.TRUE.equals(Fields.value(vsphereCluster, "status", "initialization", "provisioned"));
        int bound = 0;
        Optional<String> problem = Optional.empty();
        for (GenericKubernetesResource claim : claims) {
            if (Fields.text(claim, "status", "addressRef", "name") != null) {
                bound++;
                continue;
            }
            Map<String, Object> ready = condition(claim, "Ready");
            if (ready != null && "False".equals(ready.get("status")) && problem.isEmpty()) {
                problem = Optional.of(claim.getMetadata().getName() + ": " + ready.get("message"));
            }
        }
        boolean initialized = cluster != null
                && Boolean.TRUE.equals(Fields.value(cluster, "status", "initialization", "controlPlaneInitialized"));
        List<Node> nodes = new ArrayList<>();
        List<NodeRemediation> remediations = new ArrayList<>();
        int ready = 0;
        for (GenericKubernetesResource machine : machines) {
            NodeRemediation.of(machine).ifPresent(remediations::add);
            boolean machineReady = condition(machine, "Ready") != null && "True".equals(condition(machine, "Ready").get("status"));
            if (machineReady) {
                ready++;
            }
            String node = Fields.text(machine, "status", "nodeRef", "name");
            if (node != null) {
                nodes.add(new Node(node, firstAddress(machine), machineReady));
            }
        }
        nodes.sort(Comparator.comparing(Node::name));
        remediations.sort(NodeRemediation.ORDER);
        Object replicas = controlPlane == null ? null : Fields.value(controlPlane, "spec", "replicas");
        return new Progress(infrastructure, problem, bound, claims.size(), initialized, List.copyOf(nodes), machines.size(),
                replicas instanceof Number n ? n.intValue() : 0, ready, List.copyOf(remediations));
    }

    /**
     * The pivot may start: the first control-plane node runs and no machine is still provisioning (clusterctl move
     * refuses a machine without a node, and moving mid-provisioning is where upstream users got hurt).
     */
    boolean readyToMove() {
        return controlPlaneInitialized && machines > 0 && nodes.size() == machines && nodes.stream().allMatch(Node::ready);
    }

    /** Every control-plane node asked for is ready. */
    boolean complete() {
        return desiredReplicas > 0 && readyReplicas == desiredReplicas && nodes.size() == desiredReplicas
                && nodes.stream().allMatch(Node::ready);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(GenericKubernetesResource resource, String type) {
        return Fields.list(resource, "status", "conditions").stream()
                .filter(c -> Objects.equals(type, c.get("type"))).findFirst().orElse(null);
    }

    private static String firstAddress(GenericKubernetesResource machine) {
        return Fields.list(machine, "status", "addresses").stream()
                .filter(a -> "ExternalIP".equals(a.get("type")) || "InternalIP".equals(a.get("type")))
                .map(a -> String.valueOf(a.get("address"))).findFirst().orElse("");
    }
}
