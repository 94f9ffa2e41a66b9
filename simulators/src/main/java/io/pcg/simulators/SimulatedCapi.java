package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.simulators.timing.InfrastructureTime;
import io.pcg.simulators.vsphere.VcenterAccess;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the Cluster API providers of the appliance's management cluster, in process, acting on a real API
 * server: CAPI core (Cluster, Machine), KCP, CABPK (KubeadmConfig) and CAPV (VSphereCluster, VSphereMachine,
 * VSphereVM with real VM clones in vcsim), plus the garbage collector a test API server lacks. Like upstream's
 * in-memory provider it reproduces the order of status changes of the real controllers, not their internals; see
 * docs/simulators.md for what it does and does not do. For tests, benchmarks and the demo only; never packaged
 * into the appliance.
 *
 * <pre>{@code
 * try (var workloads = WorkloadClusters.onDemand();
 *      var capi = SimulatedCapi.start(client, workloads, VcenterAccess.of(vcsim), Delays.defaults(), Faults.none())) {
 *     // write Cluster, VSphereCluster, VSphereMachineTemplate, KubeadmControlPlane; answer the IPAddressClaims
 * }
 * }</pre>
 */
public final class SimulatedCapi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCapi.class);
    /**
     * Reconciles run at once, as many as upstream's controllers run by default (CAPI's and CAPV's
     * {@code --*-concurrency} flags are 10): most of a VSphereVM's reconcile waits on vCenter.
     */
    private static final int DEFAULT_WORKERS = 10;

    private final Runtime runtime;
    private final Sim sim;
    private final GarbageCollector garbageCollector;
    private final ClusterGates clusterGates = new ClusterGates();
    private final String namespace;

    private SimulatedCapi(Builder builder) {
        this.namespace = builder.namespace;
        this.runtime = new Runtime(builder.management, builder.namespace, builder.workers);
        this.sim = new Sim(
                builder.management,
                runtime,
                builder.workloads,
                builder.vcenter,
                builder.delays,
                builder.faults,
                builder.clock,
                builder.infrastructureTime);
        this.garbageCollector = new GarbageCollector(sim);
    }

    /** Starts the simulated providers on every namespace of {@code management}. */
    public static SimulatedCapi start(
            KubernetesClient management,
            WorkloadClusters workloads,
            VcenterAccess vcenter,
            Delays delays,
            Faults faults) {
        return builder(management)
                .workloads(workloads)
                .vcenter(vcenter)
                .delays(delays)
                .faults(faults)
                .start();
    }

    public static Builder builder(KubernetesClient management) {
        return new Builder(management);
    }

    public Faults faults() {
        return sim.faults;
    }

    public Delays delays() {
        return sim.delays;
    }

    /** The namespace the simulators watch, or null for all. */
    public String namespace() {
        return namespace;
    }

    /** True when no reconcile is queued or running (delayed requeues not counted). For diagnostics. */
    public boolean idle() {
        return runtime.idle();
    }

    /** Stops the informers and workers. Objects, VMs and workload clusters stay as they are. */
    @Override
    public void close() {
        runtime.close();
        garbageCollector.close();
        sim.remote.close();
    }

    private SimulatedCapi begin() {
        runtime.reconcile(Kind.CLUSTER, new ClusterReconciler(sim));
        runtime.reconcile(Kind.VSPHERE_CLUSTER, new VSphereClusterReconciler(sim));
        runtime.reconcile(Kind.KUBEADM_CONTROL_PLANE, new KubeadmControlPlaneReconciler(sim));
        runtime.reconcile(Kind.KUBEADM_CONFIG, new KubeadmConfigReconciler(sim));
        runtime.reconcile(Kind.MACHINE, new MachineReconciler(sim));
        runtime.reconcile(Kind.VSPHERE_MACHINE, new VSphereMachineReconciler(sim));
        runtime.reconcile(Kind.VSPHERE_VM, new VSphereVmReconciler(sim));

        runtime.map(Kind.CLUSTER, cluster -> {
            if (!clusterGates.changed(cluster)) {
                return List.of();
            }
            List<Runtime.Key> keys = new ArrayList<>();
            String ns = Obj.namespace(cluster);
            ref(keys, ns, Obj.map(cluster, "spec", "infrastructureRef"));
            ref(keys, ns, Obj.map(cluster, "spec", "controlPlaneRef"));
            for (Kind kind : List.of(Kind.MACHINE, Kind.KUBEADM_CONFIG, Kind.VSPHERE_MACHINE, Kind.VSPHERE_VM)) {
                for (GenericKubernetesResource resource : runtime.cached(kind)) {
                    if (ns.equals(Obj.namespace(resource))
                            && Obj.name(cluster).equals(Obj.label(resource, Sim.CLUSTER_NAME_LABEL))) {
                        keys.add(new Runtime.Key(kind, ns, Obj.name(resource)));
                    }
                }
            }
            return keys;
        });
        runtime.map(Kind.VSPHERE_CLUSTER, resource -> owners(resource, Kind.CLUSTER));
        runtime.watch(Kind.VSPHERE_MACHINE_TEMPLATE);
        runtime.map(Kind.KUBEADM_CONTROL_PLANE, kcp -> {
            List<Runtime.Key> keys = new ArrayList<>(owners(kcp, Kind.CLUSTER));
            for (GenericKubernetesResource machine : runtime.cached(Kind.MACHINE)) {
                if (Obj.namespace(kcp).equals(Obj.namespace(machine))
                        && Obj.name(kcp).equals(Obj.label(machine, Sim.CONTROL_PLANE_NAME_LABEL))) {
                    keys.add(new Runtime.Key(Kind.MACHINE, Obj.namespace(machine), Obj.name(machine)));
                }
            }
            return keys;
        });
        runtime.map(Kind.MACHINE, machine -> {
            List<Runtime.Key> keys = new ArrayList<>(owners(machine, Kind.KUBEADM_CONTROL_PLANE));
            String ns = Obj.namespace(machine);
            String clusterName = Obj.text(machine, "spec", "clusterName");
            if (clusterName != null) {
                keys.add(new Runtime.Key(Kind.CLUSTER, ns, clusterName));
            }
            ref(keys, ns, Obj.map(machine, "spec", "bootstrap", "configRef"));
            ref(keys, ns, Obj.map(machine, "spec", "infrastructureRef"));
            return keys;
        });
        runtime.map(Kind.KUBEADM_CONFIG, config -> owners(config, Kind.MACHINE));
        runtime.map(Kind.VSPHERE_MACHINE, vsphereMachine -> {
            List<Runtime.Key> keys = new ArrayList<>(owners(vsphereMachine, Kind.MACHINE));
            keys.add(new Runtime.Key(Kind.VSPHERE_VM, Obj.namespace(vsphereMachine), Obj.name(vsphereMachine)));
            return keys;
        });
        runtime.map(Kind.VSPHERE_VM, vm -> owners(vm, Kind.VSPHERE_MACHINE));
        runtime.map(Kind.IP_ADDRESS_CLAIM, claim -> owners(claim, Kind.VSPHERE_VM));
        runtime.map(Kind.IP_ADDRESS, address -> {
            String claimName = Obj.text(address, "spec", "claimRef", "name");
            for (GenericKubernetesResource claim : runtime.cached(Kind.IP_ADDRESS_CLAIM)) {
                if (Obj.namespace(address).equals(Obj.namespace(claim))
                        && Obj.name(claim).equals(claimName)) {
                    return owners(claim, Kind.VSPHERE_VM);
                }
            }
            return List.of();
        });
        runtime.onDeleted(garbageCollector::ownerDeleted);
        runtime.onDeleted(clusterGates::forget);
        sim.faults.onChange(runtime::enqueueAll);
        runtime.start();
        LOG.info(
                "Simulator: Cluster API providers started on {} (namespace {})",
                sim.client.getMasterUrl(),
                namespace == null ? "all" : namespace);
        return this;
    }

    /**
     * What the other controllers read from their Cluster: upstream's controllers watch Clusters only through the
     * predicate {@code ClusterPausedTransitionsOrInfrastructureProvisioned} (and control-plane initialization for
     * joins), not on every status change. Every Cluster status write (its conditions follow each Machine) enqueueing
     * every object of the cluster, each reconcile asking vCenter again, was most of the simulators' work.
     */
    private static final class ClusterGates {
        private final Map<String, List<Object>> seen = new ConcurrentHashMap<>();

        /** True when something the dependents act on differs from the last time this Cluster was seen. */
        boolean changed(GenericKubernetesResource cluster) {
            List<Object> gates = Arrays.asList(
                    cluster.getMetadata().getUid(),
                    Sim.paused(cluster, null),
                    Sim.deletedForMove(cluster),
                    Obj.deleting(cluster),
                    Obj.isTrue(cluster, "status", "initialization", "infrastructureProvisioned"),
                    Obj.isTrue(cluster, "status", "initialization", "controlPlaneInitialized"),
                    Conditions.isTrue(cluster, "ControlPlaneInitialized"),
                    Obj.text(cluster, "spec", "controlPlaneEndpoint", "host"),
                    Obj.text(cluster, "spec", "controlPlaneEndpoint", "port"));
            return !gates.equals(seen.put(key(cluster), gates));
        }

        void forget(GenericKubernetesResource resource) {
            if (Kind.of(resource.getApiVersion(), resource.getKind()) == Kind.CLUSTER) {
                seen.remove(key(resource));
            }
        }

        private static String key(GenericKubernetesResource cluster) {
            return Obj.namespace(cluster) + "/" + Obj.name(cluster);
        }
    }

    private static Collection<Runtime.Key> owners(GenericKubernetesResource resource, Kind kind) {
        List<Runtime.Key> keys = new ArrayList<>();
        List<OwnerReference> refs = resource.getMetadata().getOwnerReferences();
        if (refs != null) {
            for (OwnerReference ref : refs) {
                if (Kind.of(ref.getApiVersion(), ref.getKind()) == kind) {
                    keys.add(new Runtime.Key(kind, Obj.namespace(resource), ref.getName()));
                }
            }
        }
        return keys;
    }

    private static void ref(List<Runtime.Key> keys, String namespace, Map<String, Object> ref) {
        Kind kind = Kind.of(Obj.text(ref, "apiGroup"), Obj.text(ref, "kind"));
        if (kind != null && Obj.text(ref, "name") != null) {
            keys.add(new Runtime.Key(kind, namespace, Obj.text(ref, "name")));
        }
    }

    /** Options of {@link SimulatedCapi}; {@code workloads} and {@code vcenter} are required. */
    public static final class Builder {
        private final KubernetesClient management;
        private WorkloadClusters workloads;
        private VcenterAccess vcenter;
        private Delays delays = Delays.defaults();
        private Faults faults = Faults.none();
        private String namespace;
        private Clock clock = Clock.systemUTC();
        private int workers = DEFAULT_WORKERS;
        private InfrastructureTime infrastructureTime = new InfrastructureTime();

        private Builder(KubernetesClient management) {
            this.management = Objects.requireNonNull(management, "management");
        }

        public Builder workloads(WorkloadClusters value) {
            this.workloads = Objects.requireNonNull(value, "workloads");
            return this;
        }

        public Builder vcenter(VcenterAccess value) {
            this.vcenter = Objects.requireNonNull(value, "vcenter");
            return this;
        }

        public Builder delays(Delays value) {
            this.delays = Objects.requireNonNull(value, "delays");
            return this;
        }

        public Builder faults(Faults value) {
            this.faults = Objects.requireNonNull(value, "faults");
            return this;
        }

        /** Watch only this namespace (tests sharing one API server); all namespaces by default. */
        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        /** The clock of conditions' lastTransitionTime, lastUpdated and minReadySeconds. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Reconciles in parallel (default 4; govc calls and workload API servers block a worker). */
        public Builder workers(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("workers must be at least 1");
            }
            this.workers = value;
            return this;
        }

        /** Counts the time vCenter spends creating and powering on the providers' VMs, with the site's other waits. */
        public Builder infrastructureTime(InfrastructureTime value) {
            this.infrastructureTime = Objects.requireNonNull(value, "infrastructureTime");
            return this;
        }

        public SimulatedCapi start() {
            Objects.requireNonNull(workloads, "workloads");
            Objects.requireNonNull(vcenter, "vcenter");
            return new SimulatedCapi(this).begin();
        }
    }
}
