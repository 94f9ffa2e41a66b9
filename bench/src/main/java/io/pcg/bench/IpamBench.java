package io.pcg.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pcg.agent.ipam.IpamApi;
import io.pcg.agent.ipam.IpamConfig;
import io.pcg.agent.ipam.IpamFixture;
import io.pcg.agent.ipam.PoolSpec;

import java.util.ArrayList;
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
 * Allocation throughput of the IPAM provider against the mock API: 32 claimers drain a /20 subnet pool, each
 * creating a claim and waiting (watch, no polling) until it is answered. Latency is claim creation to Ready.
 * Prints {@code ipam_allocs_per_s}, {@code ipam_alloc_p99_ms} and {@code ipam_duplicates} (must be 0), plus
 * {@code ipam_alloc_cpu_ms}: CPU time of the whole process (allocator, mock API server, claimers) per allocation.
 * On a shared machine the wall-clock figures swing with other load; CPU per allocation much less so.
 */
public final class IpamBench {

    private static final int CLAIMERS = 32;
    private static final String POOL = "bench";
    private static final String WARMUP_POOL = "warmup";

    private IpamBench() {
    }

    public static void main(String[] args) throws Exception {
        IpamConfig config = IpamConfig.defaults(IpamFixture.NAMESPACE);
        try (IpamFixture ipam = new IpamFixture(config)) {
            ipam.startController();
            ipam.pools().create(new PoolSpec(POOL, "subnet", null, null, "10.20.0.0/20", null, "10.20.0.1",
                    List.of(), false, List.of()));
            Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
            SharedIndexInformer<GenericKubernetesResource> watch = ipam.api().newClient()
                    .genericKubernetesResources(IpamApi.CLAIMS).inNamespace(IpamFixture.NAMESPACE)
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(GenericKubernetesResource claim) {
                            observe(claim, answers);
                        }

                        @Override
                        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource claim) {
                            observe(claim, answers);
                        }

                        @Override
                        public void onDelete(GenericKubernetesResource claim, boolean unknownFinalState) {
                        }
                    }, 0);

            // The allocator is a long-running process: measure it warm, after a smaller pool has been drained the same way.
            ipam.pools().create(new PoolSpec(WARMUP_POOL, "subnet", null, null, "10.30.0.0/23", null, "10.30.0.1",
                    List.of(), false, List.of()));
            drain(ipam, WARMUP_POOL, answers);

            Drain measured = drain(ipam, POOL, answers);
            watch.close();

            List<GenericKubernetesResource> addresses = ipam.addresses();
            Set<String> distinct = new HashSet<>();
            addresses.forEach(address -> distinct.add(String.valueOf(
                    ((Map<?, ?>) address.getAdditionalProperties().get("spec")).get("address"))));
            long duplicates = addresses.size() - distinct.size();
            Set<String> answered = new HashSet<>();
            for (CompletableFuture<String> answer : answers.values()) {
                answered.add(answer.getNow(null));
            }
            duplicates += answers.size() - answered.size();

            long[] latenciesNanos = measured.latenciesNanos();
            int claims = latenciesNanos.length;
            java.util.Arrays.sort(latenciesNanos);
            double p99Millis = latenciesNanos[(int) Math.ceil(claims * 0.99) - 1] / 1e6;
            System.out.printf("ipam_claims: %d count%n", claims);
            System.out.printf("ipam_allocs_per_s: %.1f allocs/s%n", claims / (measured.elapsedNanos() / 1e9));
            System.out.printf("ipam_alloc_p99_ms: %.1f ms%n", p99Millis);
            System.out.printf("ipam_alloc_cpu_ms: %.2f ms%n", measured.cpuNanos() / 1e6 / claims);
            System.out.printf("ipam_duplicates: %d count%n", duplicates);
        }
        System.exit(0);
    }

    private record Drain(long[] latenciesNanos, long elapsedNanos, long cpuNanos) {
    }

    /** CLAIMERS threads claim from {@code pool} until every address is out; latency is claim creation to answer. */
    private static Drain drain(IpamFixture ipam, String pool, Map<String, CompletableFuture<String>> answers) throws Exception {
        int claims = (int) ipam.pools().list().stream().filter(usage -> usage.pool().name().equals(pool)).findFirst().orElseThrow().total();
        AtomicInteger next = new AtomicInteger();
        long[] latenciesNanos = new long[claims];
        ExecutorService claimers = Executors.newFixedThreadPool(CLAIMERS);
        List<Future<?>> running = new ArrayList<>();
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int t = 0; t < CLAIMERS; t++) {
            running.add(claimers.submit(() -> {
                for (int i = next.getAndIncrement(); i < claims; i = next.getAndIncrement()) {
                    String name = pool + "-" + i;
                    CompletableFuture<String> answer = answers.computeIfAbsent(name, ignored -> new CompletableFuture<>());
                    long begin = System.nanoTime();
                    ipam.createClaim(name, pool, "cluster-" + (i % 8));
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
        claimers.shutdown();
        return new Drain(latenciesNanos, elapsed, cpu);
    }

    /** CPU time of the whole process (allocator, mock API server and claimers share it). */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
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
