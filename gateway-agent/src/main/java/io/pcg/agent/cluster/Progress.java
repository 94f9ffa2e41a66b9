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
 * @param etcdHealthyMembers        control-plane machines whose etcd member KCP reports healthy
 * @param scaleUpBlocker            the first machine that keeps another control-plane node from being added, and why
 * @param remediations              nodes Cluster API is relaunching after a failed health check, oldest first
 * @param upToDateReplicas          control-plane machines that match the KubeadmControlPlane's spec (version,
 *                                  machine template), as KCP counts them
 * @param rolloutObserved           KCP has seen the KubeadmControlPlane's latest spec ({@code status.observedGeneration}),
 *                                  so its counts are about that spec and not an older one
 */
public record Progress(
        boolean infrastructureProvisioned,
        Optional<String> claimProblem,
        int claimsBound,
        int claims,
        boolean controlPlaneInitialized,
        List<Node> nodes,
        int machines,
        int desiredReplicas,
        int readyReplicas,
        int etcdHealthyMembers,
        Optional<String> scaleUpBlocker,
        List<NodeRemediation> remediations,
        int upToDateReplicas,
        boolean rolloutObserved) {

    /** A machine with a node. */
    public record Node(String name, String address, boolean ready) {}

    public static Progress observe(
            GenericKubernetesResource cluster,
            GenericKubernetesResource vsphereCluster,
            GenericKubernetesResource controlPlane,
            List<GenericKubernetesResource> machines,
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
        int etcdHealthy = 0;
        Optional<String> blocker = Optional.empty();
        for (GenericKubernetesResource machine : machines) {
            NodeRemediation.of(machine).ifPresent(remediations::add);
            boolean machineReady = isTrue(machine, "Ready");
            if (machineReady) {
                ready++;
            }
            if (isTrue(machine, "EtcdMemberHealthy")) {
                etcdHealthy++;
            }
            if (blocker.isEmpty()) {
                blocker = blocker(machine, machineReady);
            }
            String node = Fields.text(machine, "status", "nodeRef", "name");
            if (node != null) {
                nodes.add(new Node(node, firstAddress(machine), machineReady));
            }
        }
        nodes.sort(Comparator.comparing(Node::name));
        remediations.sort(NodeRemediation.ORDER);
        Object replicas = controlPlane == null ? null : Fields.value(controlPlane, "spec", "replicas");
        Object upToDate = controlPlane == null ? null : Fields.value(controlPlane, "status", "upToDateReplicas");
        Object observed = controlPlane == null ? null : Fields.value(controlPlane, "status", "observedGeneration");
        Long generation =
                controlPlane == null ? null : controlPlane.getMetadata().getGeneration();
        return new Progress(
                infrastructure,
                problem,
                bound,
                claims.size(),
                initialized,
                List.copyOf(nodes),
                machines.size(),
                replicas instanceof Number n ? n.intValue() : 0,
                ready,
                etcdHealthy,
                blocker,
                List.copyOf(remediations),
                upToDate instanceof Number n ? n.intValue() : 0,
                generation != null && observed instanceof Number n && n.longValue() >= generation);
    }

    private static Optional<String> blocker(GenericKubernetesResource machine, boolean ready) {
        String name = machine.getMetadata().getName();
        if (Fields.text(machine, "status", "nodeRef", "name") == null) {
            return Optional.of("machine " + name + " has no node yet");
        }
        if (!ready) {
            return Optional.of("machine " + name + " is not ready" + because(machine, "Ready"));
        }
        if (!isTrue(machine, "EtcdMemberHealthy")) {
            return Optional.of(
                    "the etcd member on machine " + name + " is not healthy" + because(machine, "EtcdMemberHealthy"));
        }
        return Optional.empty();
    }

    private static String because(GenericKubernetesResource machine, String conditionType) {
        Map<String, Object> condition = condition(machine, conditionType);
        Object message = condition == null ? null : condition.get("message");
        return message == null || String.valueOf(message).isBlank() ? "" : ": " + message;
    }

    /**
     * The pivot may start: the first control-plane node runs and no machine is still provisioning (clusterctl move
     * refuses a machine without a node, and moving mid-provisioning is where upstream users got hurt).
     */
    public boolean readyToMove() {
        return controlPlaneInitialized
                && machines > 0
                && nodes.size() == machines
                && nodes.stream().allMatch(Node::ready);
    }

    /** Every control-plane node asked for is ready. */
    public boolean complete() {
        return desiredReplicas > 0
                && readyReplicas == desiredReplicas
                && nodes.size() == desiredReplicas
                && nodes.stream().allMatch(Node::ready);
    }

    /**
     * Another control-plane node may be added: every machine asked for exists, has a Ready node and a healthy etcd
     * member. One node at a time: parallel control-plane scale-ups are where upstream users lost etcd quorum.
     */
    boolean readyToAddControlPlaneNode() {
        return complete() && machines == desiredReplicas && etcdHealthyMembers == desiredReplicas;
    }

    /**
     * A rolling upgrade is done: KCP has seen the new spec, and every machine asked for matches it and is Ready, with
     * no old machine left.
     */
    boolean rolledOut() {
        return rolloutObserved && complete() && machines == desiredReplicas && upToDateReplicas == desiredReplicas;
    }

    private static boolean isTrue(GenericKubernetesResource resource, String conditionType) {
        Map<String, Object> condition = condition(resource, conditionType);
        return condition != null && "True".equals(condition.get("status"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(GenericKubernetesResource resource, String type) {
        return Fields.list(resource, "status", "conditions").stream()
                .filter(c -> Objects.equals(type, c.get("type")))
                .findFirst()
                .orElse(null);
    }

    private static String firstAddress(GenericKubernetesResource machine) {
        return Fields.list(machine, "status", "addresses").stream()
                .filter(a -> "ExternalIP".equals(a.get("type")) || "InternalIP".equals(a.get("type")))
                .map(a -> String.valueOf(a.get("address")))
                .findFirst()
                .orElse("");
    }
}
