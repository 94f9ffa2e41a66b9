package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.ManagementCluster;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pool administration for the console: create, update, delete, list with usage, and the capacity question that
 * cluster creation and resize ask first. Reads the management cluster fresh on every call (no cache), so answers
 * reflect allocations made a moment ago. Pool changes are serialised in this process so that two overlapping
 * pools cannot both pass validation.
 */
@Singleton
public class PoolService {

    /** Each failed attempt means another writer changed the pool in the last few milliseconds; a few are plenty. */
    private static final int RESTORE_ATTEMPTS = 5;
    /** Reads and writes of an update that may lose to a concurrent write of the pool before it gives up. */
    private static final int UPDATE_ATTEMPTS = 5;

    private final ManagementCluster cluster;
    private final IpamConfig config;
    private final ReentrantLock changes = new ReentrantLock();

    public PoolService(ManagementCluster cluster, IpamConfig config) {
        this.cluster = cluster;
        this.config = config;
    }

    public PoolUsage create(PoolSpec spec) throws PoolValidationException, IpamException {
        changes.lock();
        try {
            Pool pool = PoolValidator.validate(spec, otherPools(spec.name()));
            try {
                pools().resource(PoolManifest.render(pool, config.namespace(), null))
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    throw new IpamException(
                            IpamException.ALREADY_EXISTS,
                            "IP pool " + pool.name() + " already exists",
                            "choose another name, or use ipam.pool.update to change it");
                }
                throw e;
            }
            return usage(pool, null, holdings(pool.name()), 0);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Replaces the pool's definition with {@code spec}. A restricted pool is also written by the claim reconciler
     * (it confirms its reservation with every address it hands out), so the write may find the pool changed since it
     * was read: then everything is read and checked again, a few times, before the update gives up.
     */
    public PoolUsage update(PoolSpec spec) throws PoolValidationException, IpamException {
        changes.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return updateOnce(spec);
                } catch (StaleRead stale) {
                    if (attempt == UPDATE_ATTEMPTS) {
                        throw stale.conflict;
                    }
                }
            }
        } finally {
            changes.unlock();
        }
    }

    /** The pool changed between reading and writing it. */
    private static final class StaleRead extends Exception {
        private final IpamException conflict;

        StaleRead(IpamException conflict) {
            super(conflict.getMessage(), null, false, false);
            this.conflict = conflict;
        }
    }

    private PoolUsage updateOnce(PoolSpec spec) throws PoolValidationException, IpamException, StaleRead {
        GenericKubernetesResource existing = existing(spec.name());
        Pool previous = parseOrNull(existing);
        Pool pool = PoolValidator.validate(spec, otherPools(spec.name()));
        String reservedFor = PoolManifest.reservedFor(existing);
        requireHoldingsFit(pool, holdings(pool.name()));
        if (pool.restrictToSingleCluster() && reservedFor == null) {
            List<String> holders = holders(holdings(pool.name()));
            if (holders.size() > 1) {
                throw new IpamException(
                        IpamException.IN_USE,
                        "IP pool " + pool.name() + " cannot be restricted to a" + " single cluster: clusters "
                                + String.join(", ", holders) + " use it",
                        "release the addresses of all but one cluster first");
            }
            reservedFor = holders.isEmpty() ? null : holders.get(0);
        }
        GenericKubernetesResource updated = PoolManifest.render(pool, config.namespace(), reservedFor);
        updated.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        GenericKubernetesResource written = replace(updated);
        List<GenericKubernetesResource> after = holdings(pool.name());
        try {
            requireHoldingsFit(pool, after);
        } catch (IpamException raced) {
            // An address was handed out under the old definition while we changed it: put the old one back.
            if (previous != null) {
                restore(previous, pool, written);
            }
            throw raced;
        }
        return usage(pool, reservedFor, after, waitingClaims(pool.name()));
    }

    public void delete(String name) throws IpamException {
        changes.lock();
        try {
            GenericKubernetesResource existing = existing(name);
            requireUnused(name, holdings(name));
            pools().withName(name).delete();
            List<GenericKubernetesResource> after = holdings(name);
            if (!after.isEmpty()) {
                // A claim was served in the instant before deletion: the pool must stay.
                existing.getMetadata().setResourceVersion(null);
                existing.getMetadata().setUid(null);
                pools().resource(existing).create();
                requireUnused(name, after);
            }
        } finally {
            changes.unlock();
        }
    }

    public List<PoolUsage> list() {
        List<PoolUsage> result = new ArrayList<>();
        for (GenericKubernetesResource resource : managedPools()) {
            Pool pool = parseOrNull(resource);
            if (pool != null) {
                result.add(usage(pool, PoolManifest.reservedFor(resource), holdings(pool.name()), 0));
            }
        }
        return result;
    }

    /** "Can pool {@code poolName} give {@code count} more addresses to {@code cluster}?" */
    public CapacityAnswer capacity(String poolName, String cluster, long count) throws IpamException {
        GenericKubernetesResource resource = existing(poolName);
        Pool pool = parseOrNull(resource);
        if (pool == null) {
            return new CapacityAnswer(
                    poolName,
                    cluster,
                    count,
                    0,
                    false,
                    "IP pool " + poolName + " is not a valid pool any more; fix it with ipam.pool.update");
        }
        PoolUsage usage = usage(pool, PoolManifest.reservedFor(resource), holdings(poolName), waitingClaims(poolName));
        String holder = usage.reservedFor();
        if (pool.restrictToSingleCluster() && holder != null && !holder.equals(cluster)) {
            return new CapacityAnswer(
                    poolName,
                    cluster,
                    count,
                    usage.free(),
                    false,
                    "IP pool " + poolName + " is restricted to a single cluster and is held by cluster " + holder);
        }
        if (usage.free() < count) {
            return new CapacityAnswer(
                    poolName,
                    cluster,
                    count,
                    usage.free(),
                    false,
                    "IP pool " + poolName + " has " + usage.free() + " free address(es) but " + count
                            + " are needed; enlarge the pool or pick another");
        }
        return new CapacityAnswer(poolName, cluster, count, usage.free(), true, null);
    }

    /** The pool as stored, parsed; for other capabilities that render CAPV templates from it. */
    public Pool get(String name) throws IpamException {
        Pool pool = parseOrNull(existing(name));
        if (pool == null) {
            throw new IpamException(
                    IpamException.INVALID,
                    "IP pool " + name + " is not a valid pool any more",
                    "fix it with ipam.pool.update");
        }
        return pool;
    }

    /**
     * Undoes this update's {@code attempted} definition, conditional on the resourceVersion of what it wrote, so a
     * change made since is never overwritten: when only the reservation moved (a claim of the old definition
     * reserving the pool) the old definition goes back with the current reservation; when someone else redefined
     * the pool, theirs stays and the caller is told.
     */
    private void restore(Pool previous, Pool attempted, GenericKubernetesResource written) throws IpamException {
        GenericKubernetesResource base = written;
        for (int attempt = 0; attempt < RESTORE_ATTEMPTS; attempt++) {
            GenericKubernetesResource restored =
                    PoolManifest.render(previous, config.namespace(), PoolManifest.reservedFor(base));
            restored.getMetadata().setResourceVersion(base.getMetadata().getResourceVersion());
            try {
                pools().resource(restored).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            base = pools().withName(previous.name()).get();
            if (base == null || !attempted.equals(parseOrNull(base))) {
                break;
            }
        }
        throw new IpamException(
                IpamException.CONFLICT,
                "IP pool " + previous.name() + " changed while this update was"
                        + " being undone (an address was handed out under the old definition); the pool was left as the other"
                        + " change made it",
                "list the pools, check pool " + previous.name() + " and update it again");
    }

    private GenericKubernetesResource replace(GenericKubernetesResource updated) throws StaleRead {
        try {
            return pools().resource(updated).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new StaleRead(new IpamException(
                        IpamException.CONFLICT,
                        "IP pool " + updated.getMetadata().getName() + " changed while it was being updated",
                        "list the pools and try again"));
            }
            throw e;
        }
    }

    private void requireHoldingsFit(Pool pool, List<GenericKubernetesResource> holdings) throws IpamException {
        List<String> outside = new ArrayList<>();
        for (GenericKubernetesResource address : holdings) {
            AddressIndex.Holding holding = AddressManifest.holding(address);
            if (holding != null && !pool.isAllocatable(holding.address())) {
                outside.add(holding.address() + " (cluster " + clusterOf(holding) + ")");
            }
        }
        if (!outside.isEmpty()) {
            throw new IpamException(
                    IpamException.IN_USE,
                    "IP pool " + pool.name() + " cannot shrink below its"
                            + " allocations: " + String.join(", ", outside) + " would fall outside "
                            + pool.addressesText()
                            + " or become reserved",
                    "keep those addresses in the pool, or release them (scale down or delete"
                            + " their clusters) first");
        }
    }

    private void requireUnused(String name, List<GenericKubernetesResource> holdings) throws IpamException {
        Map<String, List<String>> byCluster = byCluster(holdings);
        if (!byCluster.isEmpty()) {
            List<String> parts = new ArrayList<>();
            byCluster.forEach(
                    (cluster, addresses) -> parts.add("cluster " + cluster + " holds " + String.join(", ", addresses)));
            throw new IpamException(
                    IpamException.IN_USE,
                    "IP pool " + name + " is in use: " + String.join("; ", parts),
                    "delete or move those clusters first; the pool can be deleted once no address is allocated");
        }
        long waiting = waitingClaims(name);
        if (waiting > 0) {
            throw new IpamException(
                    IpamException.IN_USE,
                    "IP pool " + name + " is in use: " + waiting + " claim(s) are waiting for an address from it",
                    "delete the clusters whose nodes wait for it first");
        }
    }

    private PoolUsage usage(Pool pool, String reservedFor, List<GenericKubernetesResource> holdings, long waiting) {
        long used = 0;
        long releasing = 0;
        for (GenericKubernetesResource address : holdings) {
            AddressIndex.Holding holding = AddressManifest.holding(address);
            if (holding != null && pool.isAllocatable(holding.address())) {
                used++;
                if (holding.released()) {
                    releasing++;
                }
            }
        }
        long total = pool.capacity()
                .min(java.math.BigInteger.valueOf(Long.MAX_VALUE))
                .longValue();
        return new PoolUsage(
                pool.toSpec(),
                pool.addressesText(),
                total,
                used,
                Math.max(0, total - used - waiting),
                reservedFor,
                byCluster(holdings),
                releasing);
    }

    private static Map<String, List<String>> byCluster(List<GenericKubernetesResource> holdings) {
        Map<String, List<String>> byCluster = new TreeMap<>();
        for (GenericKubernetesResource address : holdings) {
            AddressIndex.Holding holding = AddressManifest.holding(address);
            if (holding != null && !holding.released()) {
                byCluster
                        .computeIfAbsent(clusterOf(holding), ignored -> new ArrayList<>())
                        .add(holding.address().toString());
            }
        }
        byCluster.values().forEach(addresses -> addresses.sort(null));
        return byCluster;
    }

    private static List<String> holders(List<GenericKubernetesResource> holdings) {
        return new ArrayList<>(byCluster(holdings).keySet());
    }

    private static String clusterOf(AddressIndex.Holding holding) {
        return holding.cluster() == null ? PoolUsage.NO_CLUSTER : holding.cluster();
    }

    /** Claims of this pool that have no address yet (their demand comes first). */
    private long waitingClaims(String poolName) {
        return cluster
                .client()
                .genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(config.namespace())
                .list()
                .getItems()
                .stream()
                .filter(ClaimReconciler::referencesOurPoolKind)
                .filter(claim -> poolName.equals(Fields.text(claim, "spec", "poolRef", "name")))
                .filter(claim -> claim.getMetadata().getDeletionTimestamp() == null)
                .filter(claim -> Fields.text(claim, "status", "addressRef", "name") == null)
                .count();
    }

    private List<Pool> otherPools(String name) {
        List<Pool> others = new ArrayList<>();
        for (GenericKubernetesResource resource : managedPools()) {
            Pool pool = parseOrNull(resource);
            if (pool != null && !pool.name().equals(name)) {
                others.add(pool);
            }
        }
        return others;
    }

    private List<GenericKubernetesResource> managedPools() {
        return pools().withLabel(IpamApi.MANAGED_BY_LABEL, IpamApi.MANAGED_BY)
                .list()
                .getItems();
    }

    private List<GenericKubernetesResource> holdings(String poolName) {
        return cluster.client()
                .genericKubernetesResources(IpamApi.ADDRESSES)
                .inNamespace(config.namespace())
                .withLabel(IpamApi.POOL_LABEL, poolName)
                .list()
                .getItems();
    }

    private GenericKubernetesResource existing(String name) throws IpamException {
        GenericKubernetesResource resource =
                name == null || name.isBlank() ? null : pools().withName(name).get();
        if (resource == null || !PoolManifest.isManaged(resource)) {
            throw new IpamException(
                    IpamException.NOT_FOUND,
                    "IP pool '" + name + "' does not exist",
                    "list the pools with ipam.pool.list");
        }
        return resource;
    }

    private static Pool parseOrNull(GenericKubernetesResource resource) {
        try {
            return PoolManifest.parse(resource);
        } catch (PoolValidationException e) {
            return null;
        }
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            pools() {
        return cluster.client().genericKubernetesResources(IpamApi.POOLS).inNamespace(config.namespace());
    }
}
