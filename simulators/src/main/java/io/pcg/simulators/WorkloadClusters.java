package io.pcg.simulators;

import io.pcg.simulators.timing.InfrastructureTime;
import io.pcg.testkit.kube.KubeApiServer;

/**
 * Simulator: where the workload clusters the simulated providers "create" live. Each workload cluster is a real
 * API server (no kubelet, no controllers): the simulated guests register their Nodes and static pods there, the
 * first control-plane node writes {@code kube-system/kubeadm-config}, and the management cluster gets its kubeconfig
 * in Secret {@code <cluster>-kubeconfig}. Share one instance between the simulators of two management clusters
 * ({@code clusterctl move}): the workload cluster stays where it is.
 */
@FunctionalInterface
public interface WorkloadClusters {

    /** kubeadm's ConfigMap in {@code kube-system}, written by {@code kubeadm init}. */
    String KUBEADM_CONFIG = "kubeadm-config";

    /** The API server of workload cluster {@code namespace/clusterName}, started on first use if need be. */
    KubeApiServer workloadFor(String namespace, String clusterName);

    /**
     * The name of the cluster's {@code kube-system} ConfigMap that {@code kubeadm init} writes and KCP reads to know
     * the control plane is initialized: {@value #KUBEADM_CONFIG}, unless the server is shared by several clusters.
     */
    default String kubeadmConfig(String namespace, String clusterName) {
        return KUBEADM_CONFIG;
    }

    /** The cluster was deleted: its server may go. Does nothing by default. */
    default void release(String namespace, String clusterName) {}

    /** One new API server per workload cluster, started on first use and stopped on {@link OnDemand#close()}. */
    static OnDemand onDemand() {
        return new OnDemand(namespace -> false);
    }

    /**
     * As {@link #onDemand()}, except that the clusters in the namespaces {@code sharing} accepts all live on one API
     * server, started on first use: for clusters nothing but the simulators ever talks to (a tenant cluster kept in
     * the gateway's management cluster, whose CAPI objects' status is all that is read), so that hundreds of them
     * cost one kube-apiserver, not hundreds. Their Nodes and static pods are named after their machines, so they do
     * not collide; each cluster's kubeadm-config is {@code kubeadm-config.<namespace>.<cluster>}. Shared clusters are
     * not in {@link OnDemand#started()}.
     */
    static OnDemand onDemandSharing(java.util.function.Predicate<String> sharing) {
        return new OnDemand(sharing);
    }

    /** Every cluster on the given server (only for a single cluster: Nodes and kube-system are cluster-wide). */
    static WorkloadClusters fixed(KubeApiServer server) {
        return (namespace, clusterName) -> server;
    }

    /** Starts one kube-apiserver + etcd ({@link KubeApiServer#start()}) per workload cluster. */
    final class OnDemand implements WorkloadClusters, AutoCloseable {
        private final java.util.Map<String, KubeApiServer> servers = new java.util.concurrent.ConcurrentHashMap<>();
        private final InfrastructureTime infrastructureTime = new InfrastructureTime();
        private final java.util.function.Predicate<String> sharing;
        private KubeApiServer shared;

        OnDemand(java.util.function.Predicate<String> sharing) {
            this.sharing = sharing;
        }

        @Override
        public KubeApiServer workloadFor(String namespace, String clusterName) {
            if (sharing.test(namespace)) {
                synchronized (this) {
                    if (shared == null) {
                        shared = start("(shared, first for " + namespace + "/" + clusterName + ")");
                    }
                    return shared;
                }
            }
            return servers.computeIfAbsent(namespace + "/" + clusterName, this::start);
        }

        @Override
        public String kubeadmConfig(String namespace, String clusterName) {
            return sharing.test(namespace) ? KUBEADM_CONFIG + "." + namespace + "." + clusterName : KUBEADM_CONFIG;
        }

        private KubeApiServer start(String what) {
            long started = System.nanoTime();
            KubeApiServer server = infrastructureTime.measure(KubeApiServer::start);
            long took = System.nanoTime() - started;
            org.slf4j.LoggerFactory.getLogger(WorkloadClusters.class)
                    .info("Simulator: API server of workload cluster {} started in {} ms", what, took / 1_000_000);
            return server;
        }

        /**
         * Counts the servers booting (a real cluster's machines booting) and, when the site passes it on, its tool
         * runs and vCenter creating its providers' VMs: one clock, so overlapping waits count once (benchmarks).
         */
        public InfrastructureTime infrastructureTime() {
            return infrastructureTime;
        }

        @Override
        public void release(String namespace, String clusterName) {
            if (sharing.test(namespace)) {
                KubeApiServer server;
                synchronized (this) {
                    server = shared;
                }
                if (server != null) {
                    server.client()
                            .configMaps()
                            .inNamespace("kube-system")
                            .withName(kubeadmConfig(namespace, clusterName))
                            .delete();
                }
                return;
            }
            KubeApiServer server = servers.remove(namespace + "/" + clusterName);
            if (server != null) {
                server.close();
            }
        }

        /** The servers started so far, by {@code namespace/cluster}. */
        public java.util.Map<String, KubeApiServer> started() {
            return java.util.Map.copyOf(servers);
        }

        @Override
        public void close() {
            servers.values().forEach(KubeApiServer::close);
            servers.clear();
            synchronized (this) {
                if (shared != null) {
                    shared.close();
                    shared = null;
                }
            }
        }
    }
}
