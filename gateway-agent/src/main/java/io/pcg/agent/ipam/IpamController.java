package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final IpamConfig config;
    private final Clock clock;
    private final AddressIndex index = new AddressIndex();
    private final Map<String, Set<String>> waitingByPool = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Set<String> expiryScheduled = ConcurrentHashMap.newKeySet();
    private final AtomicLong freedGeneration = new AtomicLong();

    private volatile WorkQueue queue;
    private ExecutorService workers;
    private ScheduledExecutorService expiries;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> poolInformer;
    private SharedIndexInformer<GenericKubernetesResource> clusterInformer;
    private SharedIndexInformer<GenericKubernetesResource> claimInformer;
    private ClaimReconciler reconciler;

    public IpamController(KubernetesClient client, IpamConfig config) {
        this(client, config, Clock.systemUTC());
    }

    IpamController(KubernetesClient client, IpamConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
    }

    public synchronized boolean isRunning() {
        return queue != null;
    }

    /** Syncs the caches, then starts serving claims. */
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
        queue = new WorkQueue("ipam");
        expiries = Executors.newSingleThreadScheduledExecutor(daemon("ipam-expiry"));
        reconciler = new ClaimReconciler(client, config, index,
                (ns, name) -> claimInformer.getStore().getByKey(ns + "/" + name),
                (ns, name) -> poolInformer.getStore().getByKey(ns + "/" + name),
                this::clusterPaused, this::wakeWaiters, this::scheduleExpiry, clock);

        poolInformer = inform(IpamApi.POOLS, namespace, new Handler() {
            @Override
            void changed(GenericKubernetesResource pool) {
                wakeWaiters(pool.getMetadata().getNamespace(), pool.getMetadata().getName());
            }
        });
        inform(IpamApi.ADDRESSES, namespace, new Handler() {
            @Override
            void changed(GenericKubernetesResource address) {
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
                index.remove(address.getMetadata().getNamespace(), address.getMetadata().getName(),
                                address.getMetadata().getUid())
                        .ifPresent(holding -> wakeWaiters(holding.namespace(), holding.pool()));
            }
        });
        clusterInformer = inform(IpamApi.CLUSTERS, namespace, new Handler() {
            @Override
            void changed(GenericKubernetesResource cluster) {
                // An unpaused cluster's claims may now be served.
                for (GenericKubernetesResource claim : claimInformer.getStore().list()) {
                    if (cluster.getMetadata().getName().equals(ClaimReconciler.clusterName(claim))) {
                        enqueue(key(claim));
                    }
                }
            }
        });
        claimInformer = inform(IpamApi.CLAIMS, namespace, new Handler() {
            @Override
            public void onAdd(GenericKubernetesResource claim) {
                enqueue(key(claim));
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource claim) {
                LOG.debug("claim {} changed (rv {} -> {})", key(claim), before.getMetadata().getResourceVersion(),
                        claim.getMetadata().getResourceVersion());
                if (needsAttention(before, claim)) {
                    enqueue(key(claim));
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource claim, boolean unknownFinalState) {
                String key = key(claim);
                waitingByPool.values().forEach(waiting -> waiting.remove(key));
                failures.remove(key);
            }
        });

        int workerCount = Math.max(1, config.workers());
        AtomicInteger counter = new AtomicInteger();
        workers = Executors.newFixedThreadPool(workerCount, runnable -> {
            Thread thread = new Thread(runnable, "ipam-worker-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        WorkQueue workQueue = queue;
        for (int i = 0; i < workerCount; i++) {
            workers.execute(() -> work(workQueue));
        }
        index.released().forEach(this::scheduleExpiry);
        LOG.info("IPAM provider serving InClusterIPPool claims in namespace {} with {} workers", namespace, workerCount);
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
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context, String namespace, Handler handler) {
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(context)
                .inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(handler);
        informers.add(informer);
        try {
            informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing " + context.getPlural(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list and watch " + context.getPlural() + " in namespace " + namespace
                    + " on the management cluster", e);
        }
        return informer;
    }

    private void work(WorkQueue workQueue) {
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
            try {
                int slash = key.indexOf('/');
                ClaimReconciler.Outcome outcome = reconciler.reconcile(key.substring(0, slash), key.substring(slash + 1));
                switch (outcome.next()) {
                    case DONE -> failures.remove(key);
                    case RETRY -> retry(workQueue, key);
                    case WAIT_FOR_POOL -> {
                        failures.remove(key);
                        waitingByPool.computeIfAbsent(key.substring(0, slash) + "/" + outcome.pool(),
                                ignored -> ConcurrentHashMap.newKeySet()).add(key);
                        // An address freed while we looked would have found nobody waiting yet.
                        if (freedGeneration.get() != generationBefore) {
                            workQueue.add(key);
                        } else {
                            workQueue.addAfter(key, config.pendingRetry());
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || !isRunning()) {
                    return;
                }
                LOG.warn("IP address claim {}: {} (will retry)", key, e.getMessage());
                retry(workQueue, key);
            } finally {
                workQueue.done(key);
            }
        }
    }

    /** Events still arrive after {@link #stopWorking()}; nobody works on them then. */
    private void enqueue(String key) {
        WorkQueue workQueue = queue;
        if (workQueue != null) {
            workQueue.add(key);
        }
    }

    private void retry(WorkQueue workQueue, String key) {
        int attempt = failures.merge(key, 1, Integer::sum);
        if (attempt <= 3) {
            workQueue.add(key);
            return;
        }
        long millis = Math.min(MAX_BACKOFF.toMillis(), 50L << Math.min(attempt - 3, 20));
        workQueue.addAfter(key, Duration.ofMillis(millis));
    }

    private void wakeWaiters(String namespace, String pool) {
        freedGeneration.incrementAndGet();
        Set<String> waiting = waitingByPool.remove(namespace + "/" + pool);
        WorkQueue workQueue = queue;
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
        expiries.schedule(() -> {
            expiryScheduled.remove(key);
            GenericKubernetesResource current = client.genericKubernetesResources(IpamApi.ADDRESSES)
                    .inNamespace(holding.namespace()).withName(holding.objectName()).get();
            AddressIndex.Holding latest = current == null ? null : AddressManifest.holding(current);
            if (latest != null && latest.released() && Objects.equals(latest.uid(), holding.uid())) {
                reconciler.deleteAddress(latest);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private boolean clusterPaused(String namespace, String name) {
        GenericKubernetesResource cluster = clusterInformer.getStore().getByKey(namespace + "/" + name);
        return cluster != null && (Boolean.TRUE.equals(Fields.value(cluster, "spec", "paused"))
                || Fields.annotation(cluster, IpamApi.PAUSED_ANNOTATION) != null);
    }

    /**
     * Changes a claim's answer may depend on. Our own finalizer patch is not one of them: reacting to it would
     * reconcile the claim again from a cache that has not seen the status just written, and write it twice.
     */
    private static boolean needsAttention(GenericKubernetesResource before, GenericKubernetesResource claim) {
        return claim.getMetadata().getDeletionTimestamp() != null
                || !Objects.equals(before.getMetadata().getGeneration(), claim.getMetadata().getGeneration())
                || !Objects.equals(before.getMetadata().getAnnotations(), claim.getMetadata().getAnnotations())
                || !Objects.equals(before.getMetadata().getLabels(), claim.getMetadata().getLabels())
                || (Fields.text(claim, "status", "addressRef", "name") == null
                        && !Objects.equals(before.getAdditionalProperties().get("status"),
                                claim.getAdditionalProperties().get("status")));
    }

    private static String key(GenericKubernetesResource resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Event handler whose add and update mean the same thing. */
    private abstract static class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        void changed(GenericKubernetesResource resource) {
        }

        @Override
        public void onAdd(GenericKubernetesResource resource) {
            changed(resource);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            LOG.debug("{} {} changed", after.getKind(), key(after));
            changed(after);
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean unknownFinalState) {
        }
    }
}
