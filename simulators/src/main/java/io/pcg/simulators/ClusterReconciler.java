package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: CAPI's Cluster controller (internal/controllers/cluster): owner references on the infrastructure and
 * control-plane objects, the control-plane endpoint and {@code initialization} flags copied from them, the v1beta2
 * conditions with {@code Available} summarizing Deleting, RemoteConnectionProbe, InfrastructureReady,
 * ControlPlaneAvailable and WorkersAvailable, the phase, and deletion of the control plane and infrastructure.
 */
final class ClusterReconciler implements Runtime.Reconciler {

    static final String FINALIZER = "cluster.cluster.x-k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

    /** @param atNanos {@link System#nanoTime} of the probe: wall time, whatever clock a test injects */
    private record Probe(String failure, long atNanos) {}

    private final Sim sim;
    /** The last remote connection probe of each cluster. */
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    ClusterReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) {
        GenericKubernetesResource cluster = sim.cluster(key.namespace(), key.name());
        if (cluster == null) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(cluster);
        if (Sim.paused(cluster, null)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(cluster, status);
            return null;
        }
        if (Obj.deleting(cluster)) {
            return reconcileDelete(cluster, status, now);
        }
        if (Obj.addFinalizer(cluster, FINALIZER)) {
            sim.update(cluster);
            return null;
        }
        GenericKubernetesResource infra = referenced(cluster, "infrastructureRef");
        GenericKubernetesResource controlPlane = referenced(cluster, "controlPlaneRef");
        adopt(cluster, infra);
        adopt(cluster, controlPlane);

        // the endpoint comes from the infrastructure cluster (reconcileInfrastructure)
        Map<String, Object> endpoint = Obj.map(infra, "spec", "controlPlaneEndpoint");
        if (infra != null
                && !Obj.isBlank(Obj.text(endpoint, "host"))
                && Obj.isBlank(Obj.text(cluster, "spec", "controlPlaneEndpoint", "host"))) {
            Obj.spec(cluster).put("controlPlaneEndpoint", new LinkedHashMap<>(endpoint));
            cluster = sim.update(cluster);
            status = Obj.statusCopy(cluster);
        }

        boolean infraProvisioned = infra != null && Obj.isTrue(infra, "status", "initialization", "provisioned");
        boolean cpInitialized =
                controlPlane != null && Obj.isTrue(controlPlane, "status", "initialization", "controlPlaneInitialized");
        Map<String, Object> initialization = Obj.child(status, "initialization");
        if (infraProvisioned) {
            initialization.put("infrastructureProvisioned", true);
        }
        if (cpInitialized) {
            initialization.put("controlPlaneInitialized", true);
        }
        if (initialization.isEmpty()) {
            status.remove("initialization");
        }

        if (infra == null) {
            Conditions.set(
                    status,
                    "InfrastructureReady",
                    Conditions.FALSE,
                    "DoesNotExist",
                    "VSphereCluster does not exist",
                    now);
        } else {
            Conditions.mirror(
                    status,
                    "InfrastructureReady",
                    infra,
                    "Ready",
                    infraProvisioned ? Conditions.TRUE : Conditions.FALSE,
                    infraProvisioned ? "Ready" : "NotProvisioned",
                    infraProvisioned ? "" : "VSphereCluster status.initialization.provisioned is false",
                    now);
        }
        Conditions.set(
                status,
                "ControlPlaneInitialized",
                cpInitialized,
                cpInitialized ? "Initialized" : "NotInitialized",
                cpInitialized ? "" : "Control plane not yet initialized",
                now);
        Conditions.mirror(
                status,
                "ControlPlaneAvailable",
                controlPlane,
                "Available",
                cpInitialized ? Conditions.TRUE : Conditions.FALSE,
                cpInitialized ? "Available" : "NotAvailable",
                cpInitialized ? "" : "Control plane not yet initialized",
                now);
        Conditions.set(status, "WorkersAvailable", Conditions.TRUE, "NoWorkers", "", now);

        List<GenericKubernetesResource> machines =
                sim.list(Kind.MACHINE, key.namespace(), Map.of(Sim.CLUSTER_NAME_LABEL, key.name()));
        List<GenericKubernetesResource> cpMachines = new ArrayList<>();
        List<GenericKubernetesResource> workerMachines = new ArrayList<>();
        for (GenericKubernetesResource machine : machines) {
            (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) != null ? cpMachines : workerMachines).add(machine);
        }
        aggregate(status, "ControlPlaneMachinesReady", cpMachines, "Ready", "Ready", "NotReady", now);
        aggregate(status, "WorkerMachinesReady", workerMachines, "Ready", "Ready", "NotReady", now);
        aggregate(status, "ControlPlaneMachinesUpToDate", cpMachines, "UpToDate", "UpToDate", "NotUpToDate", now);
        aggregate(status, "WorkerMachinesUpToDate", workerMachines, "UpToDate", "UpToDate", "NotUpToDate", now);

        Duration again = null;
        if (cpInitialized) {
            String failure = probed(key.namespace(), key.name());
            Conditions.set(
                    status,
                    "RemoteConnectionProbe",
                    failure == null,
                    failure == null ? "ProbeSucceeded" : "ProbeFailed",
                    failure == null ? "" : failure,
                    now);
            again = PROBE_INTERVAL;
        } else {
            Conditions.set(
                    status,
                    "RemoteConnectionProbe",
                    Conditions.FALSE,
                    "ProbeFailed",
                    "Remote connection not established yet",
                    now);
        }
        Conditions.mirror(status, "RollingOut", controlPlane, "RollingOut", Conditions.FALSE, "NotRollingOut", "", now);
        Conditions.mirror(status, "ScalingUp", controlPlane, "ScalingUp", Conditions.FALSE, "NotScalingUp", "", now);
        Conditions.mirror(
                status, "ScalingDown", controlPlane, "ScalingDown", Conditions.FALSE, "NotScalingDown", "", now);
        Conditions.set(status, "Remediating", Conditions.FALSE, "NotRemediating", "", now);
        Conditions.set(status, "Deleting", Conditions.FALSE, "NotDeleting", "", now);
        Sim.pausedCondition(status, false, now);
        Conditions.summarize(
                status,
                "Available",
                List.of("RemoteConnectionProbe", "InfrastructureReady", "ControlPlaneAvailable", "WorkersAvailable"),
                List.of("Deleting"),
                "Available",
                "NotAvailable",
                "AvailableUnknown",
                now);

        if (controlPlane != null) {
            Map<String, Object> counters = new LinkedHashMap<>();
            Object desired = Obj.at(controlPlane, "spec", "replicas");
            counters.put("desiredReplicas", desired == null ? 1 : desired);
            for (String field : List.of("replicas", "readyReplicas", "availableReplicas", "upToDateReplicas")) {
                Object value = Obj.at(controlPlane, "status", field);
                if (value != null) {
                    counters.put(field, value);
                }
            }
            status.put("controlPlane", counters);
        }
        String phase = "Pending";
        if (Obj.at(cluster, "spec", "infrastructureRef") != null
                || Obj.at(cluster, "spec", "controlPlaneRef") != null) {
            phase = "Provisioning";
        }
        if (infraProvisioned && !Obj.isBlank(Obj.text(cluster, "spec", "controlPlaneEndpoint", "host"))) {
            phase = "Provisioned";
        }
        status.put("phase", phase);
        status.put("observedGeneration", cluster.getMetadata().getGeneration());
        sim.writeStatus(cluster, status);
        return again;
    }

    private Duration reconcileDelete(GenericKubernetesResource cluster, Map<String, Object> status, Instant now) {
        String namespace = Obj.namespace(cluster);
        String name = Obj.name(cluster);
        if (Sim.deletedForMove(cluster)) {
            if (Obj.removeFinalizer(cluster, FINALIZER)) {
                sim.update(cluster);
            }
            return null;
        }
        status.put("phase", "Deleting");
        String waiting = null;
        String reason = "Deleting";
        // workers first (MachineDeployments are not simulated: stand-alone worker Machines of this cluster)
        List<String> workers = new ArrayList<>();
        for (GenericKubernetesResource machine :
                sim.list(Kind.MACHINE, namespace, Map.of(Sim.CLUSTER_NAME_LABEL, name))) {
            if (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) == null
                    && !sim.deleteAndCheckGone(Kind.MACHINE, namespace, Obj.name(machine))) {
                workers.add(Obj.name(machine));
            }
        }
        if (!workers.isEmpty()) {
            waiting = "* Worker Machines: " + String.join(", ", workers);
            reason = "WaitingForWorkersDeletion";
        } else {
            Map<String, Object> cpRef = Obj.map(cluster, "spec", "controlPlaneRef");
            Kind cpKind = Kind.of(Obj.text(cpRef, "apiGroup"), Obj.text(cpRef, "kind"));
            if (cpKind != null && !sim.deleteAndCheckGone(cpKind, namespace, Obj.text(cpRef, "name"))) {
                waiting = "* " + cpKind.kind + " " + Obj.text(cpRef, "name");
                reason = "WaitingForControlPlaneDeletion";
            } else {
                Map<String, Object> infraRef = Obj.map(cluster, "spec", "infrastructureRef");
                Kind infraKind = Kind.of(Obj.text(infraRef, "apiGroup"), Obj.text(infraRef, "kind"));
                if (infraKind != null && !sim.deleteAndCheckGone(infraKind, namespace, Obj.text(infraRef, "name"))) {
                    waiting = "* " + infraKind.kind + " " + Obj.text(infraRef, "name");
                    reason = "WaitingForInfrastructureDeletion";
                }
            }
        }
        Conditions.set(
                status, "Deleting", Conditions.TRUE, reason, waiting == null ? "Deletion completed" : waiting, now);
        Conditions.summarize(
                status,
                "Available",
                List.of("RemoteConnectionProbe", "InfrastructureReady", "ControlPlaneAvailable", "WorkersAvailable"),
                List.of("Deleting"),
                "Available",
                "NotAvailable",
                "AvailableUnknown",
                now);
        sim.writeStatus(cluster, status);
        if (waiting != null) {
            return Duration.ofSeconds(2);
        }
        GenericKubernetesResource fresh = sim.cluster(namespace, name);
        if (fresh != null && Obj.removeFinalizer(fresh, FINALIZER)) {
            sim.update(fresh);
        }
        sim.remote.forget(namespace, name);
        probes.remove(namespace + "/" + name);
        sim.workloads.release(namespace, name);
        LOG.info("Simulator: Cluster {}/{} deleted", namespace, name);
        return null;
    }

    /** The object a {@code spec.<field>} contract reference names (apiGroup, kind, name), or null. */
    private GenericKubernetesResource referenced(GenericKubernetesResource cluster, String field) {
        Map<String, Object> ref = Obj.map(cluster, "spec", field);
        Kind kind = Kind.of(Obj.text(ref, "apiGroup"), Obj.text(ref, "kind"));
        return kind == null ? null : sim.get(kind, Obj.namespace(cluster), Obj.text(ref, "name"));
    }

    /** The Cluster owns its infrastructure and control-plane objects (reconcileExternal's EnsureOwnerRef). */
    private void adopt(GenericKubernetesResource cluster, GenericKubernetesResource child) {
        if (child == null || Obj.deleting(child)) {
            return;
        }
        boolean changed = Obj.ensureOwnerRef(child, Obj.ownerRef(cluster, false));
        changed |= Obj.putLabel(child, Sim.CLUSTER_NAME_LABEL, Obj.name(cluster));
        if (changed) {
            sim.update(child);
        }
    }

    private static void aggregate(
            Map<String, Object> status,
            String type,
            List<GenericKubernetesResource> machines,
            String machineCondition,
            String trueReason,
            String falseReason,
            Instant now) {
        if (machines.isEmpty()) {
            Conditions.set(status, type, Conditions.TRUE, "NoReplicas", "", now);
            return;
        }
        List<String> bad = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (GenericKubernetesResource machine : machines) {
            String value = Conditions.status(machine, machineCondition);
            if (Conditions.FALSE.equals(value)) {
                bad.add(Obj.name(machine));
            } else if (!Conditions.TRUE.equals(value)) {
                unknown.add(Obj.name(machine));
            }
        }
        if (!bad.isEmpty()) {
            Conditions.set(
                    status,
                    type,
                    Conditions.FALSE,
                    falseReason,
                    "* Machines " + String.join(", ", bad) + ": " + machineCondition + " is False",
                    now);
        } else if (!unknown.isEmpty()) {
            Conditions.set(
                    status,
                    type,
                    Conditions.UNKNOWN,
                    machineCondition + "Unknown",
                    "* Machines " + String.join(", ", unknown) + ": " + machineCondition + " not yet reported",
                    now);
        } else {
            Conditions.set(status, type, Conditions.TRUE, trueReason, "", now);
        }
    }

    /**
     * The last probe's answer while it is recent (it failed, or is at most {@link #PROBE_INTERVAL} old): as CAPI's
     * ClusterCache probes on its own schedule, not on each of the many Cluster reconciles its Machines' changes cause.
     */
    private String probed(String namespace, String name) {
        String key = namespace + "/" + name;
        Probe last = probes.get(key);
        if (last != null && last.failure() == null && System.nanoTime() - last.atNanos() < PROBE_INTERVAL.toNanos()) {
            return null;
        }
        String failure = probe(namespace, name);
        probes.put(key, new Probe(failure, System.nanoTime()));
        return failure;
    }

    /** CAPI's ClusterCache health probe: the workload API server answers through the kubeconfig Secret. */
    private String probe(String namespace, String name) {
        try {
            KubernetesClient workload = sim.remote.get(namespace, name);
            if (workload == null) {
                return "Secret " + name + "-kubeconfig does not exist";
            }
            workload.getKubernetesVersion();
            return null;
        } catch (RuntimeException e) {
            return "Remote connection probe failed: " + e.getMessage();
        }
    }
}
