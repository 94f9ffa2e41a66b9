package io.pcg.simulators;

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

    /** The API server of workload cluster {@code namespace/clusterName}, started on first use if need be. */
    KubeApiServer workloadFor(String namespace, String clusterName);

    /** The cluster was deleted: its server may go. Does nothing by default. */
    default void release(String namespace, String clusterName) {}

    /** One new API server per workload cluster, started on first use and stopped on {@link OnDemand#close()}. */
    static OnDemand onDemand() {
        return new OnDemand();
    }

    /** Every cluster on the given server (only for a single cluster: Nodes and kube-system are cluster-wide). */
    static WorkloadClusters fixed(KubeApiServer server) {
        return (namespace, clusterName) -> server;
    }

    /** Starts one kube-apiserver + etcd ({@link KubeApiServer#start()}) per workload cluster. */
    final class OnDemand implements WorkloadClusters, AutoCloseable {
        private final java.util.Map<String, KubeApiServer> servers = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong startingNanos =
                new java.util.concurrent.atomic.AtomicLong();

        OnDemand() {}

        @Override
        public KubeApiServer workloadFor(String namespace, String clusterName) {
            return servers.computeIfAbsent(namespace + "/" + clusterName, key -> {
                long started = System.nanoTime();
                KubeApiServer server = KubeApiServer.start();
                long took = System.nanoTime() - started;
                startingNanos.addAndGet(took);
                org.slf4j.LoggerFactory.getLogger(WorkloadClusters.class)
                        .info("Simulator: API server of workload cluster {} started in {} ms", key, took / 1_000_000);
                return server;
            });
        }

        /** How long starting servers took in all, what a real cluster's machines would spend booting (benchmarks). */
        public java.time.Duration timeStartingServers() {
            return java.time.Duration.ofNanos(startingNanos.get());
        }

        @Override
        public void release(String namespace, String clusterName) {
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
        }
    }
}
