package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.JsonPatch;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one IPAddressClaim, in a fixed order: read the claim, stop if it is gone, not ours or paused, release
 * on deletion, otherwise make sure it holds exactly one address of its pool, then write status last. Failures an
 * operator can fix become the claim's Ready condition (and an event); everything else is retried.
 */
final class ClaimReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimReconciler.class);

    enum Next {
        /** Nothing more to do until the claim changes. */
        DONE,
        /** Lost an optimistic-concurrency race: run again now. */
        RETRY,
        /** Cannot be served until an address of {@link Outcome#pool()} frees up or the pool changes. */
        WAIT_FOR_POOL
    }

    record Outcome(Next next, String pool) {
        static final Outcome DONE = new Outcome(Next.DONE, null);
        static final Outcome RETRY = new Outcome(Next.RETRY, null);

        static Outcome waitFor(String pool) {
            return new Outcome(Next.WAIT_FOR_POOL, pool);
        }
    }

    /** Called when an address of a pool becomes free, so waiting claims are served at once. */
    interface FreedListener {
        void freed(String namespace, String pool);
    }

    /** Called when a released address must be deleted once its reuse grace period ends. */
    interface ReleaseScheduler {
        void scheduleExpiry(AddressIndex.Holding holding);
    }

    private final KubernetesClient client;
    private final IpamConfig config;
    private final AddressIndex index;
    private final BiFunction<String, String, GenericKubernetesResource> cachedClaim;
    private final BiFunction<String, String, GenericKubernetesResource> cachedPool;
    private final BiPredicate<String, String> clusterPaused;
    private final FreedListener freedListener;
    private final ReleaseScheduler releaseScheduler;
    private final Consumer<String> allocated;
    private final ClaimEvents events;
    private final Clock clock;

    ClaimReconciler(
            KubernetesClient client,
            IpamConfig config,
            AddressIndex index,
            BiFunction<String, String, GenericKubernetesResource> cachedClaim,
            BiFunction<String, String, GenericKubernetesResource> cachedPool,
            BiPredicate<String, String> clusterPaused,
            FreedListener freedListener,
            ReleaseScheduler releaseScheduler,
            Consumer<String> allocated,
            Clock clock) {
        this.client = client;
        this.config = config;
        this.index = index;
        this.cachedClaim = cachedClaim;
        this.cachedPool = cachedPool;
        this.clusterPaused = clusterPaused;
        this.freedListener = freedListener;
        this.releaseScheduler = releaseScheduler;
        this.allocated = allocated;
        this.events = new ClaimEvents(client);
        this.clock = clock;
    }

    /**
     * Claims are read from the watch cache, as controllers do: a stale copy can only cost a 409 on the
     * resourceVersion-guarded writes and a retry, never a wrong allocation. Patches name their object with
     * {@link JsonPatch#target}: fabric8 sends a GET before a patch of a bare name, and copies a whole object.
     */
    Outcome reconcile(String namespace, String name) {
        GenericKubernetesResource claim = cachedClaim.apply(namespace, name);
        if (claim == null || claim.getMetadata().getDeletionTimestamp() != null) {
            // The claim carries no finalizer of ours (it would cost a write per allocation): its deletion is observed
            // here, and the address's own finalizer keeps the address until it is released.
            return releaseClaim(namespace, name, claim);
        }
        if (!referencesOurPoolKind(claim)) {
            return Outcome.DONE;
        }
        Optional<AddressIndex.Holding> held = index.activeForClaim(namespace, name);
        if (held.isPresent() && !held.get().answers(claim.getMetadata().getUid())) {
            // The claim was deleted and created again under the same name (CAPV's names are deterministic): the
            // earlier claim's address goes back, this one gets an answer of its own.
            Outcome released = releaseHeld(held.get(), null);
            return released.next() == Next.DONE ? Outcome.RETRY : released;
        }
        String cluster = clusterName(claim);
        if (isPaused(claim, namespace, cluster)) {
            return Outcome.DONE;
        }
        String poolName = Fields.text(claim, "spec", "poolRef", "name");
        GenericKubernetesResource poolObject = cachedPool.apply(namespace, poolName);
        if (poolObject == null) {
            if (pools(namespace).withName(poolName).get() != null) {
                // Only the cache lags: the pool's event wakes the claim. Until it is read, the pool may well belong
                // to another provider, whose claims must not get our status.
                return Outcome.waitFor(poolName);
            }
            return fail(
                    claim,
                    ClaimCondition.failed(
                            ClaimCondition.POOL_NOT_FOUND,
                            "IP pool '" + poolName
                                    + "' does not exist in namespace " + namespace
                                    + "; create it (ipam.pool.create) or fix the claim's"
                                    + " poolRef"),
                    Outcome.waitFor(poolName));
        }
        if (!PoolManifest.isManaged(poolObject)) {
            // Another IPAM provider serves pools the gateway did not create.
            return Outcome.DONE;
        }
        Pool pool;
        try {
            pool = PoolManifest.parse(poolObject);
        } catch (PoolValidationException e) {
            return fail(
                    claim,
                    ClaimCondition.failed(ClaimCondition.POOL_INVALID, e.getMessage()),
                    Outcome.waitFor(poolName));
        }

        if (held.isPresent() && pool.name().equals(held.get().pool())) {
            return showStatus(
                    claim,
                    ClaimCondition.allocated(held.get().objectName(), held.get().address(), pool));
        }
        if (pool.restrictToSingleCluster()) {
            Outcome refused = reserveRestrictedPool(claim, pool, cluster);
            if (refused != null) {
                return refused;
            }
        }
        return allocate(claim, pool, cluster);
    }

    private Outcome allocate(GenericKubernetesResource claim, Pool pool, String cluster) {
        String namespace = claim.getMetadata().getNamespace();
        String requestedText = Fields.annotation(claim, IpamApi.REQUESTED_ADDRESS_ANNOTATION);
        Ip requested = null;
        if (requestedText != null) {
            try {
                requested = Ip.parse(requestedText);
            } catch (InvalidAddressException e) {
                return fail(
                        claim,
                        ClaimCondition.failed(
                                ClaimCondition.REQUESTED_ADDRESS_UNAVAILABLE, "requested address: " + e.getMessage()),
                        Outcome.DONE);
            }
            if (!pool.isAllocatable(requested)) {
                return fail(
                        claim,
                        ClaimCondition.failed(
                                ClaimCondition.REQUESTED_ADDRESS_UNAVAILABLE,
                                "requested address "
                                        + requested + " is not one pool " + pool.name() + " hands out ("
                                        + pool.addressesText()
                                        + ", without network, broadcast, gateway and excluded addresses)"),
                        Outcome.DONE);
            }
        }
        while (true) {
            Optional<Ip> candidate;
            if (requested != null) {
                candidate = index.reserve(namespace, requested) ? Optional.of(requested) : Optional.empty();
                if (candidate.isEmpty()) {
                    return requestedAddressTaken(claim, pool, requested);
                }
            } else {
                candidate = index.reserveNext(namespace, pool);
                if (candidate.isEmpty()) {
                    // Addresses other workers are handing out right now are not holdings yet, but not free either.
                    BigInteger used = BigInteger.valueOf(
                                    index.holdings(namespace, pool.name()).size())
                            .max(pool.capacity());
                    return fail(
                            claim,
                            ClaimCondition.failed(
                                    ClaimCondition.POOL_EXHAUSTED,
                                    "IP pool " + pool.name()
                                            + " has no free address (" + used + " of " + pool.capacity()
                                            + " in use); the claim is served"
                                            + " as soon as an address is released or the pool is enlarged"),
                            Outcome.waitFor(pool.name()));
                }
            }
            Ip address = candidate.get();
            GenericKubernetesResource created;
            try {
                created = addresses(namespace)
                        .resource(AddressManifest.render(pool, address, claim, cluster))
                        .create();
            } catch (KubernetesClientException e) {
                index.unreserve(namespace, address);
                if (e.getCode() != 409) {
                    throw e;
                }
                // Someone this process has not heard of yet holds it: learn who, try the next one.
                GenericKubernetesResource holder = addresses(namespace)
                        .withName(IpamApi.addressObjectName(address))
                        .get();
                if (holder != null) {
                    AddressIndex.Holding holding = AddressManifest.holding(holder);
                    if (holding != null) {
                        index.put(holding);
                    }
                    if (holding != null
                            && claim.getMetadata().getName().equals(holding.claim())
                            && !holding.released()) {
                        // Ours already, or an earlier claim's of this name that the next pass releases.
                        return Outcome.RETRY;
                    }
                }
                if (requested != null) {
                    return requestedAddressTaken(claim, pool, requested);
                }
                continue;
            }
            AddressIndex.Holding holding = AddressManifest.holding(created);
            index.put(holding);
            if (pool.restrictToSingleCluster() && !confirmReservation(namespace, pool, cluster, holding)) {
                // The reservation was lifted or moved while we created the address: give it back and start over.
                retire(created);
                return Outcome.RETRY;
            }
            allocated.accept(pool.name());
            return showStatus(claim, ClaimCondition.allocated(holding.objectName(), address, pool));
        }
    }

    private Outcome requestedAddressTaken(GenericKubernetesResource claim, Pool pool, Ip requested) {
        String namespace = claim.getMetadata().getNamespace();
        GenericKubernetesResource holder = addresses(namespace)
                .withName(IpamApi.addressObjectName(requested))
                .get();
        String holderClaim = holder == null
                ? "another claim being served right now"
                : "claim " + Fields.text(holder, "spec", "claimRef", "name");
        return fail(
                claim,
                ClaimCondition.failed(
                        ClaimCondition.REQUESTED_ADDRESS_UNAVAILABLE,
                        "requested address "
                                + requested + " of pool " + pool.name() + " is held by " + holderClaim
                                + "; pick another address or release it"),
                Outcome.waitFor(pool.name()));
    }

    /** Null when the claim may use the pool; otherwise the outcome to return. */
    private Outcome reserveRestrictedPool(GenericKubernetesResource claim, Pool pool, String cluster) {
        String namespace = claim.getMetadata().getNamespace();
        if (cluster == null) {
            return fail(
                    claim,
                    ClaimCondition.failed(
                            ClaimCondition.CLUSTER_NAME_MISSING,
                            "IP pool " + pool.name()
                                    + " is restricted to a single cluster, so the claim must name its cluster (spec.clusterName)"),
                    Outcome.DONE);
        }
        GenericKubernetesResource fresh = pools(namespace).withName(pool.name()).get();
        if (fresh == null) {
            return Outcome.RETRY;
        }
        String holder = PoolManifest.reservedFor(fresh);
        if (holder == null) {
            if (!patchUnlessChanged(
                    pools(namespace),
                    fresh,
                    JsonPatch.basedOn(fresh).setAnnotation(fresh, IpamApi.RESERVED_FOR_ANNOTATION, cluster))) {
                return Outcome.RETRY;
            }
            LOG.info("IP pool {}/{} is now reserved for cluster {}", namespace, pool.name(), cluster);
            return null;
        }
        if (!holder.equals(cluster)) {
            return fail(
                    claim,
                    ClaimCondition.failed(
                            ClaimCondition.POOL_RESERVED,
                            "IP pool " + pool.name()
                                    + " is restricted to a single cluster and is held by cluster " + holder
                                    + "; give cluster " + cluster
                                    + " another pool"),
                    Outcome.waitFor(pool.name()));
        }
        return null;
    }

    /**
     * Whether the restricted pool is still reserved for {@code cluster} now that {@code holding} exists, answered by a
     * write that changes the pool's resourceVersion and that the API server refuses unless the reservation is in
     * place. A read would leave a race with the release of the cluster's last other address: that release may list
     * the pool's addresses before this one exists and lift the reservation after the read, leaving the cluster an
     * address in a pool any other cluster may then take. With the write, the release's removal (conditional on the
     * resourceVersion it read before listing) either fails and looks again, finding this address, or comes first and
     * makes this write fail.
     */
    private boolean confirmReservation(String namespace, Pool pool, String cluster, AddressIndex.Holding holding) {
        try {
            pools(namespace)
                    .resource(JsonPatch.target(IpamApi.POOLS, namespace, pool.name()))
                    .patch(
                            JsonPatch.CONTEXT,
                            JsonPatch.unconditional()
                                    .requireAnnotation(IpamApi.RESERVED_FOR_ANNOTATION, cluster)
                                    .setExistingAnnotation(IpamApi.RESERVATION_CONFIRMED_ANNOTATION, holding.uid())
                                    .toJson());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422 || e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Gives back what a deleted (or deleting) claim held. {@code claim} is null once it is gone; then the index says
     * what it held. Addresses clusterctl is moving to another cluster are not released: they live on there.
     */
    private Outcome releaseClaim(String namespace, String name, GenericKubernetesResource claim) {
        Set<String> objectNames = new LinkedHashSet<>();
        index.activeForClaim(namespace, name).ifPresent(holding -> objectNames.add(holding.objectName()));
        if (claim != null) {
            String referenced = Fields.text(claim, "status", "addressRef", "name");
            if (referenced != null) {
                objectNames.add(referenced);
            }
        }
        for (String objectName : objectNames) {
            GenericKubernetesResource address =
                    addresses(namespace).withName(objectName).get();
            AddressIndex.Holding holding = address == null ? null : AddressManifest.holding(address);
            if (holding == null
                    || !name.equals(holding.claim())
                    || holding.released()
                    || (claim != null && !holding.answers(claim.getMetadata().getUid()))
                    || Fields.annotation(address, IpamApi.DELETE_FOR_MOVE_ANNOTATION) != null) {
                continue;
            }
            Outcome released = releaseHeld(holding, address);
            if (released.next() != Next.DONE) {
                return released;
            }
        }
        if (claim != null && claim.getMetadata().getFinalizers().contains(IpamApi.FINALIZER)) {
            return removeLegacyFinalizer(claim);
        }
        return Outcome.DONE;
    }

    /**
     * Releases one address: first settles a restricted pool's reservation (the address, kept by its finalizer, is
     * what lets a crash before that be found and finished at the next start), then takes the address out of use at
     * once or, with a reuse grace period, marks it released for the expiry to retire later.
     *
     * @param read the address as just read, or null to read it here
     */
    private Outcome releaseHeld(AddressIndex.Holding holding, GenericKubernetesResource read) {
        String namespace = holding.namespace();
        GenericKubernetesResource address = read != null
                ? read
                : addresses(namespace).withName(holding.objectName()).get();
        if (address == null || !Objects.equals(address.getMetadata().getUid(), holding.uid())) {
            index.remove(namespace, holding.objectName(), holding.uid());
            return Outcome.RETRY;
        }
        if (holding.pool() != null
                && !clearReservationIfUnused(namespace, holding.pool(), holding.cluster(), holding.objectName())) {
            return Outcome.RETRY;
        }
        if (config.reuseGracePeriod().isZero()) {
            return retire(address) ? Outcome.DONE : Outcome.RETRY;
        }
        String releasedAt = Instant.now(clock).toString();
        if (!patchUnlessChanged(
                addresses(namespace),
                address,
                JsonPatch.basedOn(address).setAnnotation(address, IpamApi.RELEASED_AT_ANNOTATION, releasedAt))) {
            return Outcome.RETRY;
        }
        AddressIndex.Holding released = holding.releasedAt(releasedAt);
        index.put(released);
        releaseScheduler.scheduleExpiry(released);
        return Outcome.DONE;
    }

    /** Applies a patch made {@link JsonPatch#basedOn} {@code read}; false when the object changed since it was read. */
    private static boolean patchUnlessChanged(
            NonNamespaceOperation<
                            GenericKubernetesResource,
                            GenericKubernetesResourceList,
                            Resource<GenericKubernetesResource>>
                    objects,
            GenericKubernetesResource read,
            JsonPatch patch) {
        try {
            objects.resource(JsonPatch.target(read)).patch(JsonPatch.CONTEXT, patch.toJson());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** Only claims served by earlier agent versions carry the finalizer; they must not be stuck deleting. */
    private Outcome removeLegacyFinalizer(GenericKubernetesResource claim) {
        return removeOurFinalizer(claims(claim.getMetadata().getNamespace()), claim) ? Outcome.DONE : Outcome.RETRY;
    }

    /**
     * Takes {@link IpamApi#FINALIZER} off {@code read}, conditional on the object as read; false when it changed since
     * (read it again). An object already gone counts as done.
     */
    private static boolean removeOurFinalizer(
            NonNamespaceOperation<
                            GenericKubernetesResource,
                            GenericKubernetesResourceList,
                            Resource<GenericKubernetesResource>>
                    objects,
            GenericKubernetesResource read) {
        List<String> finalizers = new ArrayList<>(read.getMetadata().getFinalizers());
        finalizers.remove(IpamApi.FINALIZER);
        try {
            return patchUnlessChanged(objects, read, JsonPatch.basedOn(read).setFinalizers(finalizers));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;
            }
            throw e;
        }
    }

    /**
     * A restricted pool is free for any cluster again once its holder has no address left in it. False when the pool
     * changed between reading it and lifting the reservation (e.g. the cluster's new claim confirmed the
     * reservation): the caller looks again rather than lift it on a stale view. {@code releasingObject}, the address
     * being released, does not count as held.
     */
    private boolean clearReservationIfUnused(
            String namespace, String poolName, String cluster, String releasingObject) {
        GenericKubernetesResource fresh = pools(namespace).withName(poolName).get();
        if (fresh == null || cluster == null || !cluster.equals(PoolManifest.reservedFor(fresh))) {
            return true;
        }
        boolean stillHolds = addresses(namespace).withLabel(IpamApi.POOL_LABEL, poolName).list().getItems().stream()
                .map(AddressManifest::holding)
                .anyMatch(holding -> holding != null
                        && !holding.released()
                        && cluster.equals(holding.cluster())
                        && !releasingObject.equals(holding.objectName()));
        if (stillHolds) {
            return true;
        }
        try {
            pools(namespace)
                    .resource(JsonPatch.target(fresh))
                    .patch(
                            JsonPatch.CONTEXT,
                            JsonPatch.basedOn(fresh)
                                    .removeAnnotation(IpamApi.RESERVED_FOR_ANNOTATION)
                                    .toJson());
            LOG.info(
                    "IP pool {}/{} is no longer reserved: cluster {} released its last address",
                    namespace,
                    poolName,
                    cluster);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            if (e.getCode() != 404) {
                throw e;
            }
        }
        return true;
    }

    /**
     * Takes an address out of use for good: our finalizer off (conditional on the object as read), then the delete,
     * unless someone deleted it already. False when the address changed since it was read: read it again.
     */
    boolean retire(GenericKubernetesResource address) {
        String namespace = address.getMetadata().getNamespace();
        String name = address.getMetadata().getName();
        if (AddressManifest.hasFinalizer(address) && !removeOurFinalizer(addresses(namespace), address)) {
            return false;
        }
        if (address.getMetadata().getDeletionTimestamp() == null) {
            try {
                addresses(namespace).withName(name).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        index.remove(namespace, name, address.getMetadata().getUid())
                .ifPresent(holding -> freedListener.freed(namespace, holding.pool()));
        return true;
    }

    private Outcome showStatus(GenericKubernetesResource claim, ClaimCondition condition) {
        if (!condition.shownOn(claim)) {
            writeStatus(claim, condition);
        }
        return Outcome.DONE;
    }

    private Outcome fail(GenericKubernetesResource claim, ClaimCondition condition, Outcome outcome) {
        if (!condition.shownOn(claim)) {
            writeStatus(claim, condition);
            events.warning(claim, condition.reason(), condition.message());
            LOG.warn(
                    "IP address claim {}/{}: {}",
                    claim.getMetadata().getNamespace(),
                    claim.getMetadata().getName(),
                    condition.message());
        }
        return outcome;
    }

    private void writeStatus(GenericKubernetesResource claim, ClaimCondition condition) {
        claims(claim.getMetadata().getNamespace())
                .resource(JsonPatch.target(claim))
                .subresource("status")
                .patch(
                        JsonPatch.CONTEXT,
                        // Never onto a claim created under the same name since this one was read.
                        JsonPatch.unconditional()
                                .requireUid(claim.getMetadata().getUid())
                                .set("/status", condition.status(claim, Instant.now(clock)))
                                .toJson());
    }

    static boolean referencesOurPoolKind(GenericKubernetesResource claim) {
        return IpamApi.GROUP.equals(Fields.text(claim, "spec", "poolRef", "apiGroup"))
                && IpamApi.POOL_KIND.equals(Fields.text(claim, "spec", "poolRef", "kind"))
                && Fields.text(claim, "spec", "poolRef", "name") != null;
    }

    static String clusterName(GenericKubernetesResource claim) {
        String fromSpec = Fields.text(claim, "spec", "clusterName");
        return fromSpec != null ? fromSpec : Fields.label(claim, IpamApi.CLUSTER_NAME_LABEL);
    }

    private boolean isPaused(GenericKubernetesResource claim, String namespace, String cluster) {
        return Fields.annotation(claim, IpamApi.PAUSED_ANNOTATION) != null
                || (cluster != null && clusterPaused.test(namespace, cluster));
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            claims(String namespace) {
        return client.genericKubernetesResources(IpamApi.CLAIMS).inNamespace(namespace);
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            addresses(String namespace) {
        return client.genericKubernetesResources(IpamApi.ADDRESSES).inNamespace(namespace);
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            pools(String namespace) {
        return client.genericKubernetesResources(IpamApi.POOLS).inNamespace(namespace);
    }
}
