package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pcg.common.work.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the controller runtime of the simulated providers: one informer per kind (events become work-queue
 * keys: the object's own and those of related objects) and a few worker threads running the reconcilers.
 */
final class Runtime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Runtime.class);
    /** Informer resync: the safety net for state outside the management cluster (workload clusters, vCenter). */
    private static final long RESYNC_MILLIS = 15_000;
    /**
     * How long an object the simulators wrote is preferred to the informer's older copy: far longer than a watch
     * event takes on a loaded machine, short enough that a write whose object was deleted before the write was
     * recorded here (the delete event came first) cannot hide the deletion for long.
     */
    private static final long WRITTEN_TTL_NANOS = Duration.ofSeconds(2).toNanos();

    record Key(Kind kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind.kind + " " + namespace + "/" + name;
        }
    }

    /** Reconciles one object; returns when to look again (null: only on the next event). */
    interface Reconciler {
        Duration reconcile(Key key) throws Exception;
    }

    private final KubernetesClient client;
    private final String namespace;
    private final int workers;
    private final Map<Kind, Reconciler> reconcilers = new EnumMap<>(Kind.class);
    private final Map<Kind, List<Function<GenericKubernetesResource, Collection<Key>>>> mappers =
            new EnumMap<>(Kind.class);
    private final List<Consumer<GenericKubernetesResource>> deletionListeners = new ArrayList<>();
    private final Map<Kind, SharedIndexInformer<GenericKubernetesResource>> informers = new EnumMap<>(Kind.class);
    private final WorkQueue<Key> queue =
            new WorkQueue<>("simulated-capi", Duration.ofMillis(50), Duration.ofSeconds(5));
    private final List<Thread> threads = new ArrayList<>();
    /** The simulators' own writes the informers have not delivered yet: read-your-writes over the caches. */
    private final Map<Key, Written> written = new ConcurrentHashMap<>();

    private volatile boolean closed;

    private record Written(GenericKubernetesResource resource, long at) {}

    Runtime(KubernetesClient client, String namespace, int workers) {
        this.client = client;
        this.namespace = namespace;
        this.workers = workers;
    }

    void reconcile(Kind kind, Reconciler reconciler) {
        reconcilers.put(kind, reconciler);
        mappers.computeIfAbsent(kind, k -> new ArrayList<>());
    }

    /** Events on {@code kind} also enqueue the keys {@code mapper} names. */
    void map(Kind kind, Function<GenericKubernetesResource, Collection<Key>> mapper) {
        mappers.computeIfAbsent(kind, k -> new ArrayList<>()).add(mapper);
    }

    /** Keeps a watch cache of {@code kind} for {@link #read}, without reconciling it or mapping its events. */
    void watch(Kind kind) {
        mappers.computeIfAbsent(kind, k -> new ArrayList<>());
    }

    /** Called for every object of a watched kind once it is gone from the API server. */
    void onDeleted(Consumer<GenericKubernetesResource> listener) {
        deletionListeners.add(listener);
    }

    void start() {
        for (Kind kind : mappers.keySet()) {
            var resources = client.genericKubernetesResources(kind.context);
            var scoped = namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace);
            informers.put(kind, scoped.inform(new Handler(kind), RESYNC_MILLIS));
        }
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(this::work, "simulated-capi-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    void enqueue(Key key) {
        if (reconcilers.containsKey(key.kind())) {
            queue.add(key);
        }
    }

    void enqueueAfter(Key key, Duration delay) {
        if (reconcilers.containsKey(key.kind())) {
            queue.addAfter(key, delay);
        }
    }

    /** Every object the simulators reconcile, again (after a fault is cleared). */
    void enqueueAll() {
        for (Map.Entry<Kind, SharedIndexInformer<GenericKubernetesResource>> entry : informers.entrySet()) {
            for (GenericKubernetesResource resource :
                    entry.getValue().getStore().list()) {
                enqueue(new Key(entry.getKey(), Obj.namespace(resource), Obj.name(resource)));
            }
        }
    }

    /** The informer's view of a kind (may lag the API server; used only to find related objects). */
    List<GenericKubernetesResource> cached(Kind kind) {
        SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
        return informer == null ? List.of() : informer.getStore().list();
    }

    /** Whether {@link #read} and {@link #readAll} serve {@code kind} (its informer runs). */
    boolean caches(Kind kind) {
        return informers.containsKey(kind);
    }

    /**
     * The object as the informer last saw it, or as the simulators last wrote it if that is newer; a copy the caller
     * may change. Reconcilers read like this, as controller-runtime's do: a stale copy costs a 409 on the
     * resourceVersion-guarded write and a retry.
     */
    GenericKubernetesResource read(Kind kind, String namespace, String name) {
        GenericKubernetesResource cached =
                informers.get(kind).getStore().getByKey(namespace == null ? name : namespace + "/" + name);
        GenericKubernetesResource newest = newer(cached, writtenRecently(new Key(kind, namespace, name)));
        return newest == null ? null : Obj.copy(newest);
    }

    /** {@link #read} for every object of {@code kind} in {@code namespace} carrying all of {@code labels}. */
    List<GenericKubernetesResource> readAll(Kind kind, String namespace, Map<String, String> labels) {
        Map<String, GenericKubernetesResource> byName = new LinkedHashMap<>();
        for (GenericKubernetesResource resource : informers.get(kind).getStore().list()) {
            if (namespace.equals(Obj.namespace(resource))) {
                byName.put(Obj.name(resource), resource);
            }
        }
        for (Key key : written.keySet()) {
            if (key.kind() == kind && namespace.equals(key.namespace())) {
                GenericKubernetesResource mine = writtenRecently(key);
                if (mine != null) {
                    byName.merge(key.name(), mine, Runtime::newer);
                }
            }
        }
        List<GenericKubernetesResource> matching = new ArrayList<>();
        for (GenericKubernetesResource resource : byName.values()) {
            Map<String, String> own = resource.getMetadata().getLabels();
            if (labels.isEmpty() || (own != null && own.entrySet().containsAll(labels.entrySet()))) {
                matching.add(Obj.copy(resource));
            }
        }
        return matching;
    }

    /** Remembers what a simulator's write returned, until the informer delivers it or something newer. */
    void wrote(GenericKubernetesResource resource) {
        Kind kind = Kind.of(resource.getApiVersion(), resource.getKind());
        boolean gone = Obj.deleting(resource)
                && (resource.getMetadata().getFinalizers() == null
                        || resource.getMetadata().getFinalizers().isEmpty());
        if (kind != null && caches(kind) && !gone) {
            written.merge(
                    new Key(kind, Obj.namespace(resource), Obj.name(resource)),
                    // a copy: the caller gets the write's answer and may change it for its next write
                    new Written(Obj.copy(resource), System.nanoTime()),
                    (before, after) -> newer(before.resource(), after.resource()) == after.resource() ? after : before);
        }
    }

    private GenericKubernetesResource writtenRecently(Key key) {
        Written mine = written.get(key);
        if (mine == null) {
            return null;
        }
        if (System.nanoTime() - mine.at() > WRITTEN_TTL_NANOS) {
            written.remove(key, mine);
            return null;
        }
        return mine.resource();
    }

    /** The later of two versions of one object (resourceVersions of one API server only grow); either may be null. */
    private static GenericKubernetesResource newer(GenericKubernetesResource a, GenericKubernetesResource b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return version(b) > version(a) ? b : a;
    }

    private static long version(GenericKubernetesResource resource) {
        try {
            return Long.parseLong(resource.getMetadata().getResourceVersion());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean idle() {
        return queue.idle();
    }

    private void work() {
        while (!closed) {
            Key key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Duration again = reconcilers.get(key.kind()).reconcile(key);
                queue.forget(key);
                if (again != null) {
                    LOG.debug("{}: again in {} ms", key, again.toMillis());
                    queue.addAfter(key, again);
                }
            } catch (KubernetesClientException e) {
                if (closed) {
                    return;
                }
                if (e.getCode() == 409) {
                    LOG.debug("{}: conflict, retrying: {}", key, e.getMessage());
                } else if (e.getCode() == 404) {
                    LOG.debug("{}: not found, retrying: {}", key, e.getMessage());
                } else {
                    LOG.warn("{}: {}", key, e.getMessage());
                }
                queue.retry(key);
            } catch (Exception | AssertionError e) {
                if (closed) {
                    return;
                }
                LOG.warn("{}: reconcile failed", key, e);
                queue.retry(key);
            } finally {
                queue.done(key);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.close();
        informers.values().forEach(SharedIndexInformer::close);
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        private final Kind kind;

        Handler(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(GenericKubernetesResource resource) {
            changed(resource);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            changed(after);
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
            written.remove(new Key(kind, Obj.namespace(resource), Obj.name(resource)));
            changed(resource);
            for (Consumer<GenericKubernetesResource> listener : deletionListeners) {
                try {
                    listener.accept(resource);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "after deletion of {} {}/{}: {}",
                            kind.kind,
                            Obj.namespace(resource),
                            Obj.name(resource),
                            e.toString());
                }
            }
        }

        private void changed(GenericKubernetesResource resource) {
            if (closed) {
                return;
            }
            written.computeIfPresent(
                    new Key(kind, Obj.namespace(resource), Obj.name(resource)),
                    (key, mine) -> version(resource) >= version(mine.resource()) ? null : mine);
            enqueue(new Key(kind, Obj.namespace(resource), Obj.name(resource)));
            for (Function<GenericKubernetesResource, Collection<Key>> mapper : mappers.getOrDefault(kind, List.of())) {
                try {
                    mapper.apply(resource).forEach(Runtime.this::enqueue);
                } catch (RuntimeException e) {
                    LOG.debug("mapping {} {}: {}", kind.kind, Obj.name(resource), e.toString());
                }
            }
        }
    }
}
