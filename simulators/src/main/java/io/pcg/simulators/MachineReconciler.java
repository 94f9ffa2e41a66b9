package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: CAPI's Machine controller (internal/controllers/machine), in its order: bootstrap (copy the config's
 * {@code dataSecretName}), infrastructure (once the infra machine is provisioned and has a providerID: copy
 * providerID, addresses), then the Node found by providerID in the workload cluster ({@code nodeRef}, nodeInfo).
 * Conditions: BootstrapConfigReady, InfrastructureReady, NodeReady, NodeHealthy, Ready (summary including the
 * readiness gates KCP sets), Available, Updating, Deleting, Paused; phase and lastUpdated. Deletion: pre-terminate
 * hooks, then the infrastructure machine and bootstrap config, then the Node.
 */
final class MachineReconciler implements Runtime.Reconciler {

    static final String FINALIZER = "machine.cluster.x-k8s.io";
    static final String PRE_TERMINATE_HOOK_PREFIX = "pre-terminate.delete.hook.machine.cluster.x-k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(MachineReconciler.class);

    private final Sim sim;

    MachineReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) {
        GenericKubernetesResource machine = sim.get(Kind.MACHINE, key.namespace(), key.name());
        if (machine == null) {
            return null;
        }
        Instant now = sim.now();
        String clusterName = Obj.text(machine, "spec", "clusterName");
        GenericKubernetesResource cluster = sim.cluster(key.namespace(), clusterName);
        Map<String, Object> status = Obj.statusCopy(machine);
        if (Sim.paused(cluster, machine)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(machine, status);
            return null;
        }
        if (Obj.deleting(machine)) {
            return reconcileDelete(machine, cluster, status, now);
        }
        if (cluster == null) {
            return null;
        }
        boolean changed = Obj.addFinalizer(machine, FINALIZER);
        changed |= Obj.putLabel(machine, Sim.CLUSTER_NAME_LABEL, clusterName);
        if (!Obj.hasControllerOwner(machine)) {
            changed |= Obj.ensureOwnerRef(machine, Obj.ownerRef(cluster, false)); // a stand-alone Machine
        }
        if (changed) {
            sim.update(machine);
            return null;
        }
        Sim.pausedCondition(status, false, now);

        // 1. bootstrap
        GenericKubernetesResource config = referenced(machine, "bootstrap", "configRef");
        own(machine, config, clusterName);
        boolean bootstrapReady = config != null
                && Obj.isTrue(config, "status", "initialization", "dataSecretCreated")
                && !Obj.isBlank(Obj.text(config, "status", "dataSecretName"));
        String dataSecretName = Obj.text(machine, "spec", "bootstrap", "dataSecretName");
        if (bootstrapReady && Obj.isBlank(dataSecretName)) {
            Obj.child(Obj.spec(machine), "bootstrap")
                    .put("dataSecretName", Obj.text(config, "status", "dataSecretName"));
            sim.update(machine);
            return null;
        }
        boolean dataSecretCreated = !Obj.isBlank(dataSecretName);
        if (dataSecretCreated) {
            Obj.child(status, "initialization").put("bootstrapDataSecretCreated", true);
            Conditions.mirror(
                    status, "BootstrapConfigReady", config, "Ready", Conditions.TRUE, "DataSecretProvided", "", now);
            if (!Conditions.isTrue(status, "BootstrapConfigReady")) {
                Conditions.set(status, "BootstrapConfigReady", Conditions.TRUE, "DataSecretProvided", "", now);
            }
        } else {
            Conditions.mirror(
                    status,
                    "BootstrapConfigReady",
                    config,
                    "Ready",
                    Conditions.FALSE,
                    "NotReady",
                    config == null
                            ? "KubeadmConfig does not exist"
                            : "KubeadmConfig status.initialization.dataSecretCreated is false",
                    now);
        }

        // 2. infrastructure
        GenericKubernetesResource infra = referenced(machine, "infrastructureRef");
        own(machine, infra, clusterName);
        boolean infraProvisioned = infra != null
                && Obj.isTrue(infra, "status", "initialization", "provisioned")
                && !Obj.isBlank(Obj.text(infra, "spec", "providerID"));
        String providerId = Obj.text(machine, "spec", "providerID");
        if (infraProvisioned && !Objects.equals(providerId, Obj.text(infra, "spec", "providerID"))) {
            Obj.spec(machine).put("providerID", Obj.text(infra, "spec", "providerID"));
            sim.update(machine);
            return null;
        }
        if (infraProvisioned) {
            Obj.child(status, "initialization").put("infrastructureProvisioned", true);
            List<Object> addresses = Obj.list(infra, "status", "addresses");
            if (!addresses.isEmpty()) {
                status.put("addresses", addresses);
            }
        }
        if (infraProvisioned || Obj.isTrue(status, "initialization", "infrastructureProvisioned")) {
            Conditions.mirror(status, "InfrastructureReady", infra, "Ready", Conditions.TRUE, "Ready", "", now);
        } else {
            Conditions.mirror(
                    status,
                    "InfrastructureReady",
                    infra,
                    "Ready",
                    Conditions.FALSE,
                    "NotProvisioned",
                    infra == null
                            ? "VSphereMachine does not exist"
                            : "VSphereMachine status.initialization.provisioned is false",
                    now);
        }

        // 3. node
        Duration again = null;
        Node node = null;
        if (!Obj.isBlank(providerId)) {
            node = sim.remote.nodes(key.namespace(), clusterName).stream()
                    .filter(n ->
                            n.getSpec() != null && providerId.equals(n.getSpec().getProviderID()))
                    .findFirst()
                    .orElse(null);
            if (node == null) {
                String message = "Waiting for a Node with spec.providerID " + providerId + " to exist";
                Conditions.set(status, "NodeReady", Conditions.UNKNOWN, "NodeDoesNotExist", message, now);
                Conditions.set(status, "NodeHealthy", Conditions.UNKNOWN, "NodeDoesNotExist", message, now);
                // No poll: as CAPI's ClusterCache does, RemoteClusters watches the workload cluster's Nodes, and
                // the Node registering reconciles this Machine again.
            }
        } else {
            String message = "Waiting for VSphereMachine to report spec.providerID";
            Conditions.set(status, "NodeReady", Conditions.UNKNOWN, "NodeDoesNotExist", message, now);
            Conditions.set(status, "NodeHealthy", Conditions.UNKNOWN, "NodeDoesNotExist", message, now);
        }
        if (node != null) {
            status.put("nodeRef", Map.of("name", node.getMetadata().getName()));
            if (node.getStatus() != null && node.getStatus().getNodeInfo() != null) {
                var info = node.getStatus().getNodeInfo();
                Map<String, Object> nodeInfo = new LinkedHashMap<>();
                nodeInfo.put("architecture", info.getArchitecture());
                nodeInfo.put("bootID", info.getBootID());
                nodeInfo.put("containerRuntimeVersion", info.getContainerRuntimeVersion());
                nodeInfo.put("kernelVersion", info.getKernelVersion());
                nodeInfo.put("kubeProxyVersion", info.getKubeProxyVersion());
                nodeInfo.put("kubeletVersion", info.getKubeletVersion());
                nodeInfo.put("machineID", info.getMachineID());
                nodeInfo.put("operatingSystem", info.getOperatingSystem());
                nodeInfo.put("osImage", info.getOsImage());
                nodeInfo.put("systemUUID", info.getSystemUUID());
                if (nodeInfo.values().stream().allMatch(Objects::nonNull)) {
                    status.put("nodeInfo", nodeInfo);
                }
            }
            Map<String, NodeCondition> nodeConditions = Guest.conditions(node);
            NodeCondition ready = nodeConditions.get("Ready");
            if (ready == null) {
                Conditions.set(
                        status,
                        "NodeReady",
                        Conditions.UNKNOWN,
                        "NodeReadyUnknown",
                        "Node Ready condition not yet reported",
                        now);
            } else {
                boolean isReady = "True".equals(ready.getStatus());
                Conditions.set(
                        status,
                        "NodeReady",
                        ready.getStatus(),
                        isReady ? "NodeReady" : "NodeNotReady",
                        isReady ? "" : "* Node.Ready: " + Objects.toString(ready.getMessage(), ""),
                        now);
            }
            List<String> problems = new ArrayList<>();
            if (ready == null || !"True".equals(ready.getStatus())) {
                problems.add("* Node.Ready: not True");
            }
            for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
                NodeCondition condition = nodeConditions.get(pressure);
                if (condition != null && "True".equals(condition.getStatus())) {
                    problems.add("* Node." + pressure + ": " + Objects.toString(condition.getMessage(), "True"));
                }
            }
            Conditions.set(
                    status,
                    "NodeHealthy",
                    problems.isEmpty(),
                    problems.isEmpty() ? "NodeHealthy" : "NodeNotHealthy",
                    String.join("\n", problems),
                    now);
        }

        Conditions.set(status, "Updating", Conditions.FALSE, "NotUpdating", "", now);
        Conditions.set(status, "Deleting", Conditions.FALSE, "NotDeleting", "", now);
        List<String> positive = new ArrayList<>(List.of("BootstrapConfigReady", "InfrastructureReady", "NodeHealthy"));
        List<String> negative = new ArrayList<>(List.of("Deleting", "Updating"));
        for (Map<String, Object> gate : Obj.maps(machine, "spec", "readinessGates")) {
            String type = String.valueOf(gate.get("conditionType"));
            ("Negative".equals(gate.get("polarity")) ? negative : positive).add(type);
        }
        Conditions.summarize(status, "Ready", positive, negative, "Ready", "NotReady", "ReadyUnknown", now);
        again = available(machine, status, now, again);
        phase(status, machine, now);
        status.put("observedGeneration", machine.getMetadata().getGeneration());
        sim.writeStatus(machine, status);
        return again;
    }

    /** Available once Ready has been True for spec.minReadySeconds (measured on the injected clock). */
    private static Duration available(
            GenericKubernetesResource machine, Map<String, Object> status, Instant now, Duration again) {
        Map<String, Object> ready = Conditions.get(status, "Ready");
        if (ready == null || !Conditions.TRUE.equals(ready.get("status"))) {
            Conditions.set(status, "Available", Conditions.FALSE, "NotReady", "* Machine is not Ready", now);
            return again;
        }
        Object minReady = Obj.at(machine, "spec", "minReadySeconds");
        long seconds = minReady instanceof Number number ? number.longValue() : 0;
        Instant readySince = Instant.parse(String.valueOf(ready.get("lastTransitionTime")));
        if (seconds > 0 && readySince.plusSeconds(seconds).isAfter(now)) {
            Conditions.set(
                    status,
                    "Available",
                    Conditions.FALSE,
                    "WaitingForMinReadySeconds",
                    "Machine has been Ready for less than spec.minReadySeconds",
                    now);
            Duration left = Duration.between(now, readySince.plusSeconds(seconds));
            return again == null || left.compareTo(again) < 0 ? left : again;
        }
        Conditions.set(status, "Available", Conditions.TRUE, "Available", "", now);
        return again;
    }

    private static void phase(Map<String, Object> status, GenericKubernetesResource machine, Instant now) {
        String phase = "Pending";
        if (Obj.isTrue(status, "initialization", "bootstrapDataSecretCreated")
                && !Obj.isTrue(status, "initialization", "infrastructureProvisioned")) {
            phase = "Provisioning";
        }
        if (!Obj.isBlank(Obj.text(machine, "spec", "providerID"))) {
            phase = "Provisioned";
        }
        if (status.get("nodeRef") != null && Obj.isTrue(status, "initialization", "infrastructureProvisioned")) {
            phase = "Running";
        }
        if (Conditions.isTrue(status, "Updating")) {
            phase = "Updating";
        }
        if (Obj.deleting(machine)) {
            phase = "Deleting";
        }
        if (!phase.equals(status.get("phase"))) {
            status.put("phase", phase);
            status.put("lastUpdated", Conditions.timestamp(now));
        }
    }

    private Duration reconcileDelete(
            GenericKubernetesResource machine,
            GenericKubernetesResource cluster,
            Map<String, Object> status,
            Instant now) {
        String namespace = Obj.namespace(machine);
        if (Sim.deletedForMove(machine)) {
            if (Obj.removeFinalizer(machine, FINALIZER)) {
                sim.update(machine);
            }
            return null;
        }
        phase(status, machine, now);
        List<String> hooks = new ArrayList<>();
        Map<String, String> annotations = machine.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.keySet().stream()
                    .filter(a -> a.startsWith(PRE_TERMINATE_HOOK_PREFIX))
                    .forEach(hooks::add);
        }
        if (!hooks.isEmpty()) {
            Conditions.set(
                    status,
                    "Deleting",
                    Conditions.TRUE,
                    "WaitingForPreTerminateHook",
                    "Waiting for pre-terminate hooks to succeed (hooks: " + String.join(",", hooks) + ")",
                    now);
            sim.writeStatus(machine, status);
            return null;
        }
        GenericKubernetesResource infra = referenced(machine, "infrastructureRef");
        if (infra != null) {
            sim.deleteAndCheckGone(Kind.VSPHERE_MACHINE, namespace, Obj.name(infra));
            Conditions.set(
                    status,
                    "Deleting",
                    Conditions.TRUE,
                    "WaitingForInfrastructureDeletion",
                    "* VSphereMachine " + Obj.name(infra) + " is being deleted",
                    now);
            sim.writeStatus(machine, status);
            return Duration.ofSeconds(2);
        }
        GenericKubernetesResource config = referenced(machine, "bootstrap", "configRef");
        if (config != null) {
            sim.deleteAndCheckGone(Kind.KUBEADM_CONFIG, namespace, Obj.name(config));
            Conditions.set(
                    status,
                    "Deleting",
                    Conditions.TRUE,
                    "WaitingForBootstrapDeletion",
                    "* KubeadmConfig " + Obj.name(config) + " is being deleted",
                    now);
            sim.writeStatus(machine, status);
            return Duration.ofMillis(500);
        }
        String nodeName = Obj.text(machine, "status", "nodeRef", "name");
        String clusterName = Obj.text(machine, "spec", "clusterName");
        if (nodeName != null && cluster != null && !Obj.deleting(cluster)) {
            KubernetesClient workload = sim.remote.get(namespace, clusterName);
            if (workload != null) {
                try {
                    Guest.leave(workload, nodeName);
                } catch (RuntimeException e) {
                    LOG.debug("Simulator: cannot delete Node {}: {}", nodeName, e.toString());
                }
            }
        }
        if (Obj.removeFinalizer(machine, FINALIZER)) {
            sim.update(machine);
        }
        sim.forgetSteps(machine.getMetadata().getUid());
        return null;
    }

    /** The Machine becomes the controller owner of its bootstrap config and infrastructure machine. */
    private void own(GenericKubernetesResource machine, GenericKubernetesResource child, String clusterName) {
        if (child == null || Obj.deleting(child)) {
            return;
        }
        boolean changed = Obj.ensureOwnerRef(child, Obj.ownerRef(machine, true));
        changed |= Obj.putLabel(child, Sim.CLUSTER_NAME_LABEL, clusterName);
        if (changed) {
            sim.update(child);
        }
    }

    private GenericKubernetesResource referenced(GenericKubernetesResource machine, String... path) {
        Map<String, Object> ref = Obj.map(machine, prepend("spec", path));
        Kind kind = Kind.of(Obj.text(ref, "apiGroup"), Obj.text(ref, "kind"));
        return kind == null ? null : sim.get(kind, Obj.namespace(machine), Obj.text(ref, "name"));
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
