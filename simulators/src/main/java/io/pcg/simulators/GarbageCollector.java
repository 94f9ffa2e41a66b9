package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the part of kube-controller-manager's garbage collector the simulated providers rely on (a test API
 * server runs no controllers). When an owner is gone, its dependents (the simulated kinds, Secrets and ConfigMaps in
 * the same namespace) whose owners are all gone are deleted in the background, as with
 * {@code propagationPolicy: Background}.
 */
final class GarbageCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final Sim sim;
    /** Deleted owners' UIDs by namespace, for the pass that has not started yet. */
    private final Map<String, Set<String>> waiting = new HashMap<>();

    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "simulated-garbage-collector");
        thread.setDaemon(true);
        return thread;
    });

    GarbageCollector(Sim sim) {
        this.sim = sim;
    }

    /**
     * Collects after {@code owner}'s deletion. Owners deleted while a pass waits to start join it, so a burst of
     * deletions (a clusterctl move deletes every moved object from its source) costs one pass rather than one each.
     */
    void ownerDeleted(GenericKubernetesResource owner) {
        String namespace = Obj.namespace(owner);
        boolean passWaiting;
        synchronized (waiting) {
            passWaiting = waiting.containsKey(namespace);
            waiting.computeIfAbsent(namespace, ignored -> new HashSet<>())
                    .add(owner.getMetadata().getUid());
        }
        if (passWaiting || executor.isShutdown()) {
            return;
        }
        executor.execute(() -> {
            Set<String> owners;
            synchronized (waiting) {
                owners = waiting.remove(namespace);
            }
            try {
                collect(namespace, owners);
            } catch (RuntimeException e) {
                LOG.debug(
                        "Simulator: garbage collection after {} owner(s) in {} were deleted: {}",
                        owners.size(),
                        namespace,
                        e.toString());
            }
        });
    }

    private void collect(String namespace, Set<String> deletedOwners) {
        List<HasMetadata> candidates = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            candidates.addAll(sim.client
                    .genericKubernetesResources(kind.context)
                    .inNamespace(namespace)
                    .list()
                    .getItems());
        }
        candidates.addAll(sim.client.secrets().inNamespace(namespace).list().getItems());
        candidates.addAll(sim.client.configMaps().inNamespace(namespace).list().getItems());
        for (HasMetadata dependent : candidates) {
            List<OwnerReference> owners = dependent.getMetadata().getOwnerReferences();
            if (owners == null
                    || owners.stream().noneMatch(ref -> deletedOwners.contains(ref.getUid()))
                    || dependent.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (owners.stream().anyMatch(ref -> !deletedOwners.contains(ref.getUid()) && exists(namespace, ref))) {
                continue;
            }
            try {
                if (dependent instanceof GenericKubernetesResource resource) {
                    sim.client
                            .genericKubernetesResources(Kind.of(resource.getApiVersion(), resource.getKind()).context)
                            .inNamespace(namespace)
                            .withName(Obj.name(resource))
                            .delete();
                } else {
                    sim.client.resource(dependent).delete();
                }
                LOG.debug(
                        "Simulator: garbage-collected {} {}/{}",
                        dependent.getKind(),
                        namespace,
                        dependent.getMetadata().getName());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    private boolean exists(String namespace, OwnerReference ref) {
        Kind kind = Kind.of(ref.getApiVersion(), ref.getKind());
        HasMetadata owner;
        if (kind != null) {
            owner = sim.getLive(kind, namespace, ref.getName());
        } else if ("v1".equals(ref.getApiVersion()) && "Secret".equals(ref.getKind())) {
            owner = sim.client
                    .secrets()
                    .inNamespace(namespace)
                    .withName(ref.getName())
                    .get();
        } else if ("v1".equals(ref.getApiVersion()) && "ConfigMap".equals(ref.getKind())) {
            owner = sim.client
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(ref.getName())
                    .get();
        } else {
            return true; // an owner kind the simulators do not know: leave the dependent alone
        }
        return owner != null && ref.getUid().equals(owner.getMetadata().getUid());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
