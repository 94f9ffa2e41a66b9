package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.simulators.timing.InfrastructureTime;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.simulators.vsphere.VirtualMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Simulator: what every simulated reconciler shares: the management API, the world outside it, time. */
final class Sim {

    static final String CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
    static final String CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";
    static final String CONTROL_PLANE_NAME_LABEL = "cluster.x-k8s.io/control-plane-name";
    static final String PAUSED_ANNOTATION = "cluster.x-k8s.io/paused";
    static final String DELETE_FOR_MOVE_ANNOTATION = "clusterctl.cluster.x-k8s.io/delete-for-move";

    final KubernetesClient client;
    final Runtime runtime;
    final WorkloadClusters workloads;
    final VcenterAccess vcenter;
    final VirtualMachines vms;
    final Delays delays;
    final Faults faults;
    final Clock clock;
    final RemoteClusters remote;
    private final Map<String, Long> stepStarts = new ConcurrentHashMap<>();

    Sim(
            KubernetesClient client,
            Runtime runtime,
            WorkloadClusters workloads,
            VcenterAccess vcenter,
            Delays delays,
            Faults faults,
            Clock clock,
            InfrastructureTime infrastructureTime) {
        this.client = client;
        this.runtime = runtime;
        this.workloads = workloads;
        this.vcenter = vcenter;
        this.vms = vcenter == null ? null : new VirtualMachines(vcenter, infrastructureTime);
        this.delays = delays;
        this.faults = faults;
        this.clock = clock;
        this.remote = new RemoteClusters(client, this::workloadChanged);
    }

    Instant now() {
        return clock.instant();
    }

    // ---- management API ----

    /**
     * The object from the simulators' watch cache (with their own latest writes), a copy; a live read for a kind
     * they do not watch.
     */
    GenericKubernetesResource get(Kind kind, String namespace, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return runtime.caches(kind) ? runtime.read(kind, namespace, name) : getLive(kind, namespace, name);
    }

    /**
     * The object as the API server has it now: for decisions a lagging cache must not make, such as "it is gone" or
     * "its owner is gone".
     */
    GenericKubernetesResource getLive(Kind kind, String namespace, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return client.genericKubernetesResources(kind.context)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    List<GenericKubernetesResource> list(Kind kind, String namespace, Map<String, String> labels) {
        if (runtime.caches(kind)) {
            return runtime.readAll(kind, namespace, labels);
        }
        var resources = client.genericKubernetesResources(kind.context).inNamespace(namespace);
        return (labels.isEmpty()
                        ? resources.list()
                        : resources.withLabels(labels).list())
                .getItems();
    }

    GenericKubernetesResource create(GenericKubernetesResource resource) {
        GenericKubernetesResource created = client.genericKubernetesResources(kindOf(resource).context)
                .inNamespace(Obj.namespace(resource))
                .resource(resource)
                .create();
        runtime.wrote(created);
        return created;
    }

    /** PUT of metadata and spec, guarded by the object's resourceVersion (a stale read fails with 409 and retries). */
    GenericKubernetesResource update(GenericKubernetesResource resource) {
        GenericKubernetesResource updated = client.genericKubernetesResources(kindOf(resource).context)
                .inNamespace(Obj.namespace(resource))
                .resource(resource)
                .update();
        runtime.wrote(updated);
        return updated;
    }

    /** Writes {@code status} through the /status subresource if it differs from the object's; true if written. */
    boolean writeStatus(GenericKubernetesResource current, Map<String, Object> status) {
        if (Obj.sameJson(Obj.map(current, "status"), status)) {
            return false;
        }
        if (status.isEmpty()) {
            return false; // MinProperties=1: never write an empty status
        }
        GenericKubernetesResource copy = Obj.copy(current);
        copy.setAdditionalProperty("status", status);
        runtime.wrote(client.genericKubernetesResources(kindOf(current).context)
                .inNamespace(Obj.namespace(current))
                .resource(copy)
                .updateStatus());
        return true;
    }

    /** Deletes the object if it exists and is not already being deleted; true if it is gone. */
    boolean deleteAndCheckGone(Kind kind, String namespace, String name) {
        GenericKubernetesResource existing = getLive(kind, namespace, name);
        if (existing == null) {
            return true;
        }
        if (!Obj.deleting(existing)) {
            try {
                client.genericKubernetesResources(kind.context)
                        .inNamespace(namespace)
                        .withName(name)
                        .delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                return true;
            }
        }
        return false;
    }

    private static Kind kindOf(GenericKubernetesResource resource) {
        Kind kind = Kind.of(resource.getApiVersion(), resource.getKind());
        if (kind == null) {
            throw new IllegalArgumentException(
                    "not a simulated kind: " + resource.getApiVersion() + " " + resource.getKind());
        }
        return kind;
    }

    // ---- CAPI conventions ----

    GenericKubernetesResource cluster(String namespace, String name) {
        return get(Kind.CLUSTER, namespace, name);
    }

    /** CAPI's annotations.IsPaused: the Cluster's spec.paused or the paused annotation on the Cluster or the object. */
    static boolean paused(GenericKubernetesResource cluster, GenericKubernetesResource object) {
        return (cluster != null
                        && (Obj.isTrue(cluster, "spec", "paused") || Obj.hasAnnotation(cluster, PAUSED_ANNOTATION)))
                || (object != null && Obj.hasAnnotation(object, PAUSED_ANNOTATION));
    }

    /** v1beta2's Paused condition, which CAPI keeps up to date even while an object is paused. */
    static void pausedCondition(Map<String, Object> status, boolean paused, Instant now) {
        Conditions.set(
                status,
                "Paused",
                paused,
                paused ? "Paused" : "NotPaused",
                paused ? "Reconciliation is paused" : "",
                now);
    }

    /** Objects clusterctl move is deleting from this (source) cluster: never touch what they stand for outside. */
    static boolean deletedForMove(GenericKubernetesResource object) {
        return Obj.hasAnnotation(object, DELETE_FOR_MOVE_ANNOTATION);
    }

    /**
     * How much of a simulated step's delay is left: the step's clock starts the first time it is asked about. Zero
     * once elapsed (or when the delay is zero).
     */
    Duration remaining(String objectUid, String step, Duration delay) {
        if (delay.isZero()) {
            return Duration.ZERO;
        }
        long start = stepStarts.computeIfAbsent(objectUid + "/" + step, key -> System.nanoTime());
        long left = delay.toNanos() - (System.nanoTime() - start);
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    void forgetSteps(String objectUid) {
        stepStarts.keySet().removeIf(key -> key.startsWith(objectUid + "/"));
    }

    /** Enqueues every simulated object of one cluster (after something outside the management cluster changed). */
    void enqueueCluster(String namespace, String clusterName) {
        runtime.enqueue(new Runtime.Key(Kind.CLUSTER, namespace, clusterName));
        enqueueObjectsOf(
                namespace,
                clusterName,
                List.of(
                        Kind.KUBEADM_CONTROL_PLANE,
                        Kind.MACHINE,
                        Kind.VSPHERE_CLUSTER,
                        Kind.VSPHERE_MACHINE,
                        Kind.VSPHERE_VM,
                        Kind.KUBEADM_CONFIG));
    }

    /**
     * A watched Node or static pod of the workload cluster changed: what reads them looks again (KCP's per-Machine
     * conditions and preflight checks, the Machines' nodeRef), nothing else; the Cluster follows its Machines.
     */
    void workloadChanged(String namespace, String clusterName) {
        enqueueObjectsOf(namespace, clusterName, List.of(Kind.KUBEADM_CONTROL_PLANE, Kind.MACHINE));
    }

    private void enqueueObjectsOf(String namespace, String clusterName, List<Kind> kinds) {
        for (Kind kind : kinds) {
            for (GenericKubernetesResource resource : runtime.cached(kind)) {
                if (namespace.equals(Obj.namespace(resource))
                        && (clusterName.equals(Obj.label(resource, CLUSTER_NAME_LABEL))
                                || kind == Kind.KUBEADM_CONTROL_PLANE
                                || kind == Kind.VSPHERE_CLUSTER)) {
                    runtime.enqueue(new Runtime.Key(kind, namespace, Obj.name(resource)));
                }
            }
        }
    }
}
