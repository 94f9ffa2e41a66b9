package io.pcg.agent.ipam;

import io.pcg.common.net.Ip;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The allocator's in-memory view of which addresses are held, fed by the IPAddress watch and by the allocator's
 * own writes. It only steers the choice of a candidate: the API server stays the judge (the IPAddress name is the
 * address, so a second holder gets 409), so a stale view costs a retry, never a duplicate. Addresses being
 * created right now are "in flight" and skipped by other workers of this process.
 */
final class AddressIndex {

    /**
     * One IPAddress object as far as allocation cares. {@code claimUid} is the uid of the claim it was created for
     * (its controller ownerReference), null for an address without one: such an address answers any claim of its
     * name.
     */
    record Holding(
            String namespace,
            String objectName,
            String uid,
            String pool,
            Ip address,
            String claim,
            String claimUid,
            String cluster,
            String releasedAt) {

        boolean released() {
            return releasedAt != null;
        }

        /** Whether this address answers {@code claimUid}, and not an earlier claim of the same name. */
        boolean answers(String claimUid) {
            return this.claimUid == null || this.claimUid.equals(claimUid);
        }

        Holding releasedAt(String when) {
            return new Holding(namespace, objectName, uid, pool, address, claim, claimUid, cluster, when);
        }
    }

    private static final class NamespaceSlots {
        final Set<Ip> held = new HashSet<>();
        final Set<Ip> inFlight = new HashSet<>();
        final Map<String, BigInteger> nextCandidate = new HashMap<>();
    }

    private final Map<String, Holding> byObject = new ConcurrentHashMap<>();
    private final Map<String, String> objectByClaim = new ConcurrentHashMap<>();
    private final Map<String, NamespaceSlots> slots = new ConcurrentHashMap<>();

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private NamespaceSlots slots(String namespace) {
        return slots.computeIfAbsent(namespace, ignored -> new NamespaceSlots());
    }

    void put(Holding holding) {
        NamespaceSlots namespaceSlots = slots(holding.namespace());
        synchronized (namespaceSlots) {
            Holding previous = byObject.put(key(holding.namespace(), holding.objectName()), holding);
            if (previous != null && previous.claim() != null) {
                objectByClaim.remove(key(previous.namespace(), previous.claim()), holding.objectName());
            }
            if (holding.claim() != null && !holding.released()) {
                objectByClaim.put(key(holding.namespace(), holding.claim()), holding.objectName());
            }
            namespaceSlots.held.add(holding.address());
            namespaceSlots.inFlight.remove(holding.address());
        }
    }

    /**
     * Forgets an object that is gone. {@code uid} guards against a late delete event of an earlier object with the
     * same name; null forgets whatever is recorded.
     *
     * @return the holding forgotten, if any
     */
    Optional<Holding> remove(String namespace, String objectName, String uid) {
        NamespaceSlots namespaceSlots = slots(namespace);
        synchronized (namespaceSlots) {
            String objectKey = key(namespace, objectName);
            Holding holding = byObject.get(objectKey);
            if (holding == null || (uid != null && holding.uid() != null && !uid.equals(holding.uid()))) {
                return Optional.empty();
            }
            byObject.remove(objectKey);
            if (holding.claim() != null) {
                objectByClaim.remove(key(namespace, holding.claim()), objectName);
            }
            namespaceSlots.held.remove(holding.address());
            return Optional.of(holding);
        }
    }

    /** The address currently answering a claim (released ones excluded). */
    Optional<Holding> activeForClaim(String namespace, String claim) {
        String objectName = objectByClaim.get(key(namespace, claim));
        return objectName == null
                ? Optional.empty()
                : Optional.ofNullable(byObject.get(key(namespace, objectName)))
                        .filter(holding -> !holding.released() && claim.equals(holding.claim()));
    }

    /**
     * Picks a free address of the pool and marks it in flight; empty when the pool is exhausted. The search goes on
     * from after the previous pick rather than from the pool's start, so a pool being drained costs one step per
     * allocation instead of a walk over everything already handed out.
     */
    Optional<Ip> reserveNext(String namespace, Pool pool) {
        NamespaceSlots namespaceSlots = slots(namespace);
        synchronized (namespaceSlots) {
            BigInteger start = namespaceSlots.nextCandidate.getOrDefault(pool.name(), BigInteger.ZERO);
            Optional<Ip> candidate = pool.firstFreeFrom(start, value -> {
                Ip address = new Ip(pool.family(), value);
                return namespaceSlots.held.contains(address) || namespaceSlots.inFlight.contains(address);
            });
            candidate.ifPresent(address -> {
                namespaceSlots.inFlight.add(address);
                namespaceSlots.nextCandidate.put(pool.name(), address.value().add(BigInteger.ONE));
            });
            return candidate;
        }
    }

    /** Marks one given address in flight; false when it is held or being taken by another worker. */
    boolean reserve(String namespace, Ip address) {
        NamespaceSlots namespaceSlots = slots(namespace);
        synchronized (namespaceSlots) {
            if (namespaceSlots.held.contains(address) || namespaceSlots.inFlight.contains(address)) {
                return false;
            }
            namespaceSlots.inFlight.add(address);
            return true;
        }
    }

    void unreserve(String namespace, Ip address) {
        NamespaceSlots namespaceSlots = slots(namespace);
        synchronized (namespaceSlots) {
            namespaceSlots.inFlight.remove(address);
        }
    }

    List<Holding> holdings(String namespace, String pool) {
        List<Holding> result = new ArrayList<>();
        for (Holding holding : byObject.values()) {
            if (holding.namespace().equals(namespace) && pool.equals(holding.pool())) {
                result.add(holding);
            }
        }
        return result;
    }

    /** Addresses still answering a claim (released ones excluded). */
    List<Holding> active() {
        return byObject.values().stream().filter(holding -> !holding.released()).toList();
    }

    List<Holding> released() {
        return byObject.values().stream().filter(Holding::released).toList();
    }
}
