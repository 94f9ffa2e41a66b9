package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.Informers;
import io.pcg.agent.kube.Informers.ChangeHandler;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.metrics.AgentMeters;
import io.pcg.common.work.WorkQueue;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as IPAM provider for its {@code InClusterIPPool}s: watches IPAddressClaims, pools, IPAddresses and
 * Clusters of one namespace on the management cluster and keeps every claim answered. All allocation state lives in
 * those objects, so a restarted agent (or the one on the gateway cluster after the pivot) just starts again.
 * Claims waiting on an exhausted pool are woken by the deletion that frees an address, not by polling.
 * Started by the bootstrap once the management cluster exists; {@link #start()} is idempotent.
 */
@Singleton
public class IpamController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IpamController.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RETRY_FIRST_DELAY = Duration.ofMillis(100);
    private static final Duration RETRY_MAX_DELAY = Duration.ofSeconds(30);

    private final ManagementCluster cluster;
    private final IpamConfig config;
    private final Clock clock;
    private final AgentMeters meters;
    private final Map<String, Set<String>> waitingByPool = new ConcurrentHashMap<>();
    private final Set<String> expiryScheduled = ConcurrentHashMap.newKeySet();
    private final AtomicLong freedGeneration = new AtomicLong();

    private volatile KubernetesClient client;
    /** Rebuilt from the cluster's IPAddresses on every start: after a re-point, the old cluster's view is stale. */
    private volatile AddressIndex index;

    private volatile WorkQueue<String> queue;
    private ExecutorService workers;
    private ScheduledExecutorService expiries;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    // Set by the starting thread, read by the informers' and workers' threads.
    private volatile SharedIndexInformer<GenericKubernetesResource> poolInformer;
    private volatile SharedIndexInformer<GenericKubernetesResource> clusterInformer;
    private volatile SharedIndexInformer<GenericKubernetesResource> claimInformer;
    private ClaimReconciler reconciler;

    @Inject
    public IpamController(ManagementCluster cluster, IpamConfig config, AgentMeters meters) {
        this(cluster, config, Clock.systemUTC(), meters);
    }

    /** Outside the agent (benchmarks): nothing is metered. */
    public IpamController(ManagementCluster cluster, IpamConfig config) {
        this(cluster, config, Clock.systemUTC(), AgentMeters.unregistered());
    }

    IpamController(ManagementCluster cluster, IpamConfig config, Clock clock) {
        this(cluster, config, clock, AgentMeters.unregistered());
    }

    private IpamController(ManagementCluster cluster, IpamConfig config, Clock clock, AgentMeters meters) {
        this.cluster = cluster;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
    }

    public synchronized boolean isRunning() {
        return queue != null;
    }

    /** Syncs the caches of the current management cluster, then starts serving claims. */
    public synchronized void start() {
        if (queue != null) {
            return;
        }
        try {
            startServing();
        } catch (RuntimeException e) {
            // Half-started watches would make the next start() a no-op; leave nothing behind so it can try again.
            close();
            throw e;
        }
    }

    private void startServing() {
        String namespace = config.namespace();
        client = cluster.client();
        index = new AddressIndex();
        waitingByPool.clear();
        expiryScheduled.clear();
        queue = new WorkQueue<>("ipam", RETRY_FIRST_DELAY, RETRY_MAX_DELAY);
        expiries = Executors.newSingleThreadScheduledExecutor(daemon("ipam-expiry"));
        reconciler = new ClaimReconciler(
                client,
                config,
                index,
                (ns, name) -> claimInformer.getStore().getByKey(ns + "/" + name),
                (ns, name) -> poolInformer.getStore().getByKey(ns + "/" + name),
                this::clusterPaused,
                this::wakeWaiters,
                this::scheduleExpiry,
                meters::allocated,
                clock);

        poolInformer = inform(IpamApi.POOLS, namespace, new ChangeHandler() {
            @Override
            protected void changed(GenericKubernetesResource pool) {
                wakeWaiters(
                        pool.getMetadata().getNamespace(), pool.getMetadata().getName());
            }
        });
        inform(IpamApi.ADDRESSES, namespace, new ChangeHandler() {
            @Override
            protected void changed(GenericKubernetesResource address) {
                AddressIndex.Holding holding = AddressManifest.holding(address);
                if (holding != null) {
                    index.put(holding);
                    if (holding.released()) {
                        scheduleExpiry(holding);
                    }
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource address, boolean unknownFinalState) {
                index.remove(
                                address.getMetadata().getNamespace(),
                                address.getMetadata().getName(),
                                address.getMetadata().getUid())
                        .ifPresent(holding -> wakeWaiters(holding.namespace(), holding.pool()));
            }
        });
        clusterInformer = inform(IpamApi.CLUSTERS, namespace, new ChangeHandler() {
            @Override
            protected void changed(GenericKubernetesResource cluster) {
                // An unpaused cluster's claims may now be served. Before the claim informer exists (this informer
                // syncs first), there is nothing to wake: the claim informer enqueues every claim it lists.
                SharedIndexInformer<GenericKubernetesResource> claims = claimInformer;
                if (claims == null) {
                    return;
                }
                for (GenericKubernetesResource claim : claims.getStore().list()) {
                    if (cluster.getMetadata().getName().equals(ClaimReconciler.clusterName(claim))) {
                        enqueue(key(claim));
                    }
                }
            }
        });
        claimInformer = inform(IpamApi.CLAIMS, namespace, new ChangeHandler() {
            @Override
            public void onAdd(GenericKubernetesResource claim) {
                enqueue(key(claim));
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource claim) {
                LOG.debug(
                        "claim {} changed (rv {} -> {})",
                        key(claim),
                        before.getMetadata().getResourceVersion(),
                        claim.getMetadata().getResourceVersion());
                if (needsAttention(before, claim)) {
                    enqueue(key(claim));
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource claim, boolean unknownFinalState) {
                String key = key(claim);
                waitingByPool.values().forEach(waiting -> waiting.remove(key));
                WorkQueue<String> workQueue = queue;
                if (workQueue != null) {
                    workQueue.forget(key);
                }
                // Its address goes back: the claim has no finalizer of ours, this event is the release signal.
                enqueue(key);
            }
        });
        // Claims deleted while no agent watched: their addresses are still there (their finalizer keeps them even
        // if the garbage collector ran), and nothing else would ever release them.
        for (AddressIndex.Holding holding : index.active()) {
            if (holding.claim() != null
                    && claimInformer.getStore().getByKey(holding.namespace() + "/" + holding.claim()) == null) {
                enqueue(holding.namespace() + "/" + holding.claim());
            }
        }

        int workerCount = Math.max(1, config.workers());
        AtomicInteger counter = new AtomicInteger();
        workers = Executors.newFixedThreadPool(workerCount, runnable -> {
            Thread thread = new Thread(runnable, "ipam-worker-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        WorkQueue<String> workQueue = queue;
        for (int i = 0; i < workerCount; i++) {
            workers.execute(() -> work(workQueue));
        }
        index.released().forEach(this::scheduleExpiry);
        LOG.info(
                "IPAM provider serving InClusterIPPool claims in namespace {} with {} workers", namespace, workerCount);
    }

    /** Stops serving; allocation state stays in the cluster for the next start. */
    @PreDestroy
    @Override
    public synchronized void close() {
        stopWorking();
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }

    /** Abandons in-flight work at once, as a crash would; the watches stay open until {@link #close()}. */
    synchronized void stopWorking() {
        if (queue == null) {
            return;
        }
        queue.close();
        expiries.shutdownNow();
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
        queue = null;
    }

    private SharedIndexInformer<GenericKubernetesResource> inform(
            ResourceDefinitionContext kind, String namespace, ChangeHandler handler) {
        SharedIndexInformer<GenericKubernetesResource> informer =
                Informers.startSynced(client, kind, namespace, handler, SYNC_TIMEOUT);
        informers.add(informer);
        return informer;
    }

    private void work(WorkQueue<String> workQueue) {
        while (true) {
            String key;
            try {
                key = workQueue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            long generationBefore = freedGeneration.get();
            long start = System.nanoTime();
            boolean ok = false;
            try {
                int slash = key.indexOf('/');
                ClaimReconciler.Outcome outcome =
                        reconciler.reconcile(key.substring(0, slash), key.substring(slash + 1));
                switch (outcome.next()) {
                    case DONE -> workQueue.forget(key);
                    case RETRY -> workQueue.retry(key);
                    case WAIT_FOR_POOL -> {
                        workQueue.forget(key);
                        waitingByPool
                                .computeIfAbsent(
                                        key.substring(0, slash) + "/" + outcome.pool(),
                                        ignored -> ConcurrentHashMap.newKeySet())
                                .add(key);
                        // An address freed while we looked would have found nobody waiting yet.
                        if (freedGeneration.get() != generationBefore) {
                            workQueue.add(key);
                        } else {
                            workQueue.addAfter(key, config.pendingRetry());
                        }
                    }
                }
                ok = true;
            } catch (KubernetesClientException e) {
                if (Thread.currentThread().isInterrupted() || !isRunning()) {
                    return;
                }
                if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                    // Deleted while we worked on it (a clusterctl move deletes the source's objects): its delete
                    // event is on the way, and the retry finds it gone.
                    LOG.debug("IP address claim {} went away while being served: {}", key, e.getMessage());
                } else {
                    LOG.warn("IP address claim {}: {} (will retry)", key, e.getMessage());
                }
                workQueue.retry(key);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || !isRunning()) {
                    return;
                }
                LOG.warn("IP address claim {}: {} (will retry)", key, e.getMessage());
                workQueue.retry(key);
            } finally {
                meters.reconciled("ipam", start, ok);
                workQueue.done(key);
            }
        }
    }

    /** Events still arrive after {@link #stopWorking()}; nobody works on them then. */
    private void enqueue(String key) {
        WorkQueue<String> workQueue = queue;
        if (workQueue != null) {
            workQueue.add(key);
        }
    }

    private void wakeWaiters(String namespace, String pool) {
        freedGeneration.incrementAndGet();
        Set<String> waiting = waitingByPool.remove(namespace + "/" + pool);
        WorkQueue<String> workQueue = queue;
        if (waiting != null && workQueue != null) {
            waiting.forEach(workQueue::add);
        }
    }

    private void scheduleExpiry(AddressIndex.Holding holding) {
        String key = holding.namespace() + "/" + holding.objectName();
        if (!expiryScheduled.add(key)) {
            return;
        }
        long delay;
        try {
            Instant expiry = Instant.parse(holding.releasedAt()).plus(config.reuseGracePeriod());
            delay = Math.max(0, Duration.between(Instant.now(clock), expiry).toMillis());
        } catch (DateTimeParseException e) {
            delay = 0;
        }
        expiries.schedule(
                () -> {
                    expiryScheduled.remove(key);
                    GenericKubernetesResource current = client.genericKubernetesResources(IpamApi.ADDRESSES)
                            .inNamespace(holding.namespace())
                            .withName(holding.objectName())
                            .get();
                    AddressIndex.Holding latest = current == null ? null : AddressManifest.holding(current);
                    if (latest != null
                            && latest.released()
                            && Objects.equals(latest.uid(), holding.uid())
                            && !reconciler.retire(current)) {
                        // Changed since it was read: read it again.
                        scheduleExpiry(latest);
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    private boolean clusterPaused(String namespace, String name) {
        GenericKubernetesResource cluster = clusterInformer.getStore().getByKey(namespace + "/" + name);
        return cluster != null
                && (Boolean.TRUE.equals(Fields.value(cluster, "spec", "paused"))
                        || Fields.annotation(cluster, IpamApi.PAUSED_ANNOTATION) != null);
    }

    /**
     * Changes a claim's answer may depend on. Our own status write is not one of them once the claim has an
     * address: reacting to it would only reconcile the claim again.
     */
    private static boolean needsAttention(GenericKubernetesResource before, GenericKubernetesResource claim) {
        return claim.getMetadata().getDeletionTimestamp() != null
                || !Objects.equals(
                        before.getMetadata().getGeneration(),
                        claim.getMetadata().getGeneration())
                || !Objects.equals(
                        before.getMetadata().getAnnotations(),
                        claim.getMetadata().getAnnotations())
                || !Objects.equals(
                        before.getMetadata().getLabels(), claim.getMetadata().getLabels())
                || (Fields.text(claim, "status", "addressRef", "name") == null
                        && !Objects.equals(
                                before.getAdditionalProperties().get("status"),
                                claim.getAdditionalProperties().get("status")));
    }

    private static String key(GenericKubernetesResource resource) {
        return resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
