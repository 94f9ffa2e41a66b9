package io.pcg.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pcg.agent.ipam.IpamApi;
import io.pcg.agent.ipam.IpamConfig;
import io.pcg.agent.ipam.IpamController;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.ipam.PoolSpec;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.UpstreamCrds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Allocation throughput of the IPAM provider against a real kube-apiserver + etcd, next to what that server does
 * with plain creates, in the same run:
 * <ul>
 *   <li>{@code kube_raw_creates_per_s}: 16 clients creating IPAddressClaims that nobody answers, the server's
 *       ceiling for the object kind the claimers create; {@code kube_raw_server_cpu_ms}: CPU time of kube-apiserver
 *       and etcd per create;</li>
 *   <li>{@code ipam_allocs_per_s}, {@code ipam_alloc_p99_ms}, {@code ipam_duplicates} (must be 0): 16 claimers, as
 *       many as the raw phase's clients, drain a /20 subnet pool, each creating a claim and waiting (watch, no
 *       polling) until it is answered; latency is claim creation to answer;</li>
 *   <li>{@code ipam_vs_raw_ratio}: allocations per raw create. An allocation is three writes (the claim, its
 *       IPAddress, the claim's status), so 0.33 would be the ceiling if each cost the server what a plain create
 *       does; the next lines say what they do cost;</li>
 *   <li>what an allocation costs, which bounds that ratio: {@code ipam_alloc_cpu_ms}, CPU time of this process
 *       (allocator and claimers; it swings less than wall-clock figures on a shared machine);
 *       {@code ipam_alloc_server_cpu_ms}, CPU time of kube-apiserver and etcd; {@code ipam_alloc_server_writes},
 *       write requests to IPAM objects (3 is the least: the claim, its IPAddress, the claim's status);
 *       {@code ipam_alloc_server_cost_in_raw_creates}, the server's CPU per allocation over its CPU per plain
 *       create;</li>
 *   <li>{@code ipam_allocs_per_s_32_claimers}, {@code ipam_alloc_p99_ms_32_claimers}: twice the load, 32 claimers
 *       draining a /21 pool: with that many always waiting, the mean latency is 32 over the allocation rate (Little's
 *       law).</li>
 * </ul>
 * Both sides are measured warm, as the long-running processes they stand for: until the JIT has compiled the
 * client's request path (some ten thousand requests), a request costs this process several times the CPU it
 * costs later, and the two cores are shared with the server.
 */
public final class IpamBench {

    private static final int RAW_CLIENTS = 16;
    /** As many as the raw phase's clients: allocations are compared with plain creates at the same load. */
    private static final int CLAIMERS = RAW_CLIENTS;
    /** A heavier load, printed beside: twice as many claimers always waiting. */
    private static final int MANY_CLAIMERS = 2 * CLAIMERS;

    private static final int RAW_CREATES = 4000;
    /** Creates before the raw phase is measured: enough for the JIT to compile the client's request path. */
    private static final int RAW_WARMUP_CREATES = 3 * RAW_CREATES;

    private static final String POOL = "bench";
    private static final String MANY_CLAIMERS_POOL = "bench-many";
    private static final String WARMUP_POOL = "warmup";

    private IpamBench() {}

    public static void main(String[] args) throws Exception {
        try (KubeApiServer server = KubeApiServer.start()) {
            UpstreamCrds.install(server.client());
            Raw raw = rawCreates(server);

            String namespace = "pcg-system";
            createNamespace(server.client(), namespace);
            IpamConfig config = IpamConfig.defaults(namespace);
            try (ManagementCluster cluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
                    IpamController allocator = new IpamController(cluster, config)) {
                allocator.start();
                PoolService pools = new PoolService(cluster, config);
                pools.create(subnetPool(POOL, "10.20.0.0/20", "10.20.0.1"));
                Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
                KubernetesClient claimers = server.client();
                SharedIndexInformer<GenericKubernetesResource> watch = claimers.genericKubernetesResources(
                                IpamApi.CLAIMS)
                        .inNamespace(namespace)
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(GenericKubernetesResource claim) {
                                        observe(claim, answers);
                                    }

                                    @Override
                                    public void onUpdate(
                                            GenericKubernetesResource before, GenericKubernetesResource claim) {
                                        observe(claim, answers);
                                    }

                                    @Override
                                    public void onDelete(GenericKubernetesResource claim, boolean unknownFinalState) {}
                                },
                                0);

                // The allocator is a long-running process: measure it warm, after a pool as large has been drained the
                // same way.
                pools.create(subnetPool(WARMUP_POOL, "10.30.0.0/20", "10.30.0.1"));
                drain(server, claimers, pools, namespace, WARMUP_POOL, answers, CLAIMERS);

                Drain measured = drain(server, claimers, pools, namespace, POOL, answers, CLAIMERS);
                pools.create(subnetPool(MANY_CLAIMERS_POOL, "10.40.0.0/21", "10.40.0.1"));
                Drain manyClaimers =
                        drain(server, claimers, pools, namespace, MANY_CLAIMERS_POOL, answers, MANY_CLAIMERS);
                watch.close();

                List<GenericKubernetesResource> addresses = claimers.genericKubernetesResources(IpamApi.ADDRESSES)
                        .inNamespace(namespace)
                        .list()
                        .getItems();
                Set<String> distinct = new HashSet<>();
                addresses.forEach(address -> distinct.add(String.valueOf(
                        ((Map<?, ?>) address.getAdditionalProperties().get("spec")).get("address"))));
                long duplicates = addresses.size() - distinct.size();
                Set<String> answered = new HashSet<>();
                for (CompletableFuture<String> answer : answers.values()) {
                    answered.add(answer.getNow(null));
                }
                duplicates += answers.size() - answered.size();

                int claims = measured.latenciesNanos().length;
                double allocsPerSecond = measured.allocsPerSecond();
                double rawServerCpuMillis = raw.server().cpuMillisPer(RAW_CREATES);
                double serverCpuMillis = measured.server().cpuMillisPer(claims);
                System.out.printf("kube_raw_creates_per_s: %.1f creates/s%n", raw.perSecond());
                System.out.printf("kube_raw_server_cpu_ms: %.2f ms%n", rawServerCpuMillis);
                System.out.printf("ipam_claims: %d count%n", claims);
                System.out.printf("ipam_allocs_per_s: %.1f allocs/s%n", allocsPerSecond);
                System.out.printf("ipam_alloc_p99_ms: %.1f ms%n", measured.p99Millis());
                System.out.printf("ipam_alloc_cpu_ms: %.2f ms%n", measured.cpuNanos() / 1e6 / claims);
                System.out.printf("ipam_alloc_server_cpu_ms: %.2f ms%n", serverCpuMillis);
                System.out.printf(
                        "ipam_alloc_server_writes: %.2f count%n",
                        (double) measured.server().ipamWrites() / claims);
                System.out.printf(
                        "ipam_alloc_server_cost_in_raw_creates: %.2f ratio%n", serverCpuMillis / rawServerCpuMillis);
                System.out.printf("ipam_duplicates: %d count%n", duplicates);
                System.out.printf("ipam_vs_raw_ratio: %.2f ratio%n", allocsPerSecond / raw.perSecond());
                System.out.printf(
                        "ipam_allocs_per_s_%d_claimers: %.1f allocs/s%n",
                        MANY_CLAIMERS, manyClaimers.allocsPerSecond());
                System.out.printf("ipam_alloc_p99_ms_%d_claimers: %.1f ms%n", MANY_CLAIMERS, manyClaimers.p99Millis());
            }
        }
        System.exit(0);
    }

    /** Plain creates per second, and what the server did for them. */
    private record Raw(double perSecond, ServerLoad server) {}

    /** RAW_CLIENTS independent clients, each creating its share of claims nobody answers. */
    private static Raw rawCreates(KubeApiServer server) throws Exception {
        String namespace = "raw";
        createNamespace(server.client(), namespace);
        List<KubernetesClient> clients = new ArrayList<>();
        for (int c = 0; c < RAW_CLIENTS; c++) {
            clients.add(server.newClient());
        }
        try {
            createConcurrently(clients, namespace, "warmup", RAW_WARMUP_CREATES);
            ServerLoad serverStart = ServerLoad.now(server);
            long start = System.nanoTime();
            createConcurrently(clients, namespace, "raw", RAW_CREATES);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Raw(RAW_CREATES / seconds, ServerLoad.now(server).since(serverStart));
        } finally {
            clients.forEach(KubernetesClient::close);
        }
    }

    private static void createConcurrently(List<KubernetesClient> clients, String namespace, String prefix, int count)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (KubernetesClient client : clients) {
                running.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        IpAddressClaims.create(client, namespace, prefix + "-" + i, "unanswered", "raw", Map.of());
                    }
                    return null;
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    /** A pool handing out a whole subnet but its gateway, open to every cluster. */
    private static PoolSpec subnetPool(String name, String subnet, String gateway) {
        return new PoolSpec(name, "subnet", null, null, subnet, null, gateway, List.of(), false, List.of());
    }

    private static void createNamespace(KubernetesClient client, String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    /** What the server did during a phase: its CPU time and the writes to IPAM objects it served. */
    private record ServerLoad(long cpuNanos, long ipamWrites) {

        private static final Set<String> WRITE_VERBS =
                Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");

        static ServerLoad now(KubeApiServer server) {
            return new ServerLoad(
                    server.cpuTime().toNanos(), ipamWrites(server.client().raw("/metrics")));
        }

        ServerLoad since(ServerLoad start) {
            return new ServerLoad(cpuNanos - start.cpuNanos, ipamWrites - start.ipamWrites);
        }

        double cpuMillisPer(int operations) {
            return cpuNanos / 1e6 / operations;
        }

        /** Write requests to the IPAM API group the server has answered, from its request counters. */
        static long ipamWrites(String metrics) {
            return metrics.lines()
                    .filter(line -> line.startsWith("apiserver_request_total{")
                            && line.contains("group=\"" + IpamApi.GROUP + "\"")
                            && WRITE_VERBS.stream().anyMatch(verb -> line.contains("verb=\"" + verb + "\"")))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        }
    }

    private record Drain(long[] latenciesNanos, long elapsedNanos, long cpuNanos, ServerLoad server) {

        double allocsPerSecond() {
            return latenciesNanos.length / (elapsedNanos / 1e9);
        }

        double p99Millis() {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6;
        }
    }

    /** {@code claimerCount} threads claim from {@code pool} until every address is out; latency is claim creation to answer. */
    private static Drain drain(
            KubeApiServer server,
            KubernetesClient client,
            PoolService pools,
            String namespace,
            String pool,
            Map<String, CompletableFuture<String>> answers,
            int claimerCount)
            throws Exception {
        int claims = (int) pools.list().stream()
                .filter(usage -> usage.pool().name().equals(pool))
                .findFirst()
                .orElseThrow()
                .total();
        AtomicInteger next = new AtomicInteger();
        long[] latenciesNanos = new long[claims];
        ExecutorService claimers = Executors.newFixedThreadPool(claimerCount);
        List<Future<?>> running = new ArrayList<>();
        ServerLoad serverStart = ServerLoad.now(server);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int t = 0; t < claimerCount; t++) {
            running.add(claimers.submit(() -> {
                for (int i = next.getAndIncrement(); i < claims; i = next.getAndIncrement()) {
                    String name = pool + "-" + i;
                    CompletableFuture<String> answer =
                            answers.computeIfAbsent(name, ignored -> new CompletableFuture<>());
                    long begin = System.nanoTime();
                    IpAddressClaims.create(client, namespace, name, pool, "cluster-" + (i % 8), Map.of());
                    answer.get(5, TimeUnit.MINUTES);
                    latenciesNanos[i] = System.nanoTime() - begin;
                }
                return null;
            }));
        }
        for (Future<?> claimer : running) {
            claimer.get();
        }
        long elapsed = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuStart;
        ServerLoad serverLoad = ServerLoad.now(server).since(serverStart);
        claimers.shutdown();
        return new Drain(latenciesNanos, elapsed, cpu, serverLoad);
    }

    /** CPU time of this process (allocator and claimers share it). */
    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    private static void observe(GenericKubernetesResource claim, Map<String, CompletableFuture<String>> answers) {
        Object status = claim.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> statusMap) || !(statusMap.get("addressRef") instanceof Map<?, ?> ref)) {
            return;
        }
        answers.computeIfAbsent(claim.getMetadata().getName(), ignored -> new CompletableFuture<>())
                .complete(String.valueOf(ref.get("name")));
    }
}
