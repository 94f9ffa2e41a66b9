package io.pcg.agent.ipam;

import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpFamily;
import io.pcg.common.net.IpRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A validated pool (see {@link PoolValidator}). Addresses handed out are those of {@link #range()} minus the
 * {@link #reservedAddresses() reserved} ones: the network's first address, the IPv4 broadcast address,
 * the gateway and the excluded addresses.
 *
 * @param network the node network, derived from the gateway and the prefix
 */
public record Pool(
        String name,
        NetworkType networkType,
        IpRange range,
        Cidr network,
        Ip gateway,
        List<Ip> nameServers,
        boolean restrictToSingleCluster,
        List<Ip> excludedAddresses) {

    public Pool {
        nameServers = List.copyOf(nameServers);
        excludedAddresses = List.copyOf(excludedAddresses);
    }

    public IpFamily family() {
        return range.family();
    }

    public int prefix() {
        return network.prefix();
    }

    /** Addresses inside the range that are never handed out, in order. */
    public List<Ip> reservedAddresses() {
        TreeSet<Ip> reserved = new TreeSet<>();
        reserved.add(network.network());
        if (family() == IpFamily.V4) {
            reserved.add(network.last());
        }
        reserved.add(gateway);
        reserved.addAll(excludedAddresses);
        reserved.removeIf(address -> !range.contains(address));
        return new ArrayList<>(reserved);
    }

    public boolean isAllocatable(Ip address) {
        return range.contains(address) && !reservedAddresses().contains(address);
    }

    /** How many addresses the pool can hand out in total. */
    public BigInteger capacity() {
        return range.size().subtract(BigInteger.valueOf(reservedAddresses().size()));
    }

    /** The lowest allocatable address for which {@code taken} is false. */
    public Optional<Ip> firstFree(Predicate<BigInteger> taken) {
        return firstFreeFrom(range.first().value(), taken);
    }

    /**
     * The first allocatable address at or after {@code start} for which {@code taken} is false, wrapping around to
     * the start of the pool; {@code start} outside the pool means its first address.
     */
    public Optional<Ip> firstFreeFrom(BigInteger start, Predicate<BigInteger> taken) {
        java.util.Set<BigInteger> skip = new java.util.HashSet<>();
        reservedAddresses().forEach(address -> skip.add(address.value()));
        BigInteger first = range.first().value();
        BigInteger last = range.last().value();
        BigInteger from = start.compareTo(first) < 0 || start.compareTo(last) > 0 ? first : start;
        Optional<BigInteger> found = scan(from, last, skip, taken);
        if (found.isEmpty() && from.compareTo(first) > 0) {
            found = scan(first, from.subtract(BigInteger.ONE), skip, taken);
        }
        return found.map(value -> new Ip(family(), value));
    }

    private static Optional<BigInteger> scan(
            BigInteger from, BigInteger to, java.util.Set<BigInteger> skip, Predicate<BigInteger> taken) {
        for (BigInteger candidate = from; candidate.compareTo(to) <= 0; candidate = candidate.add(BigInteger.ONE)) {
            if (!skip.contains(candidate) && !taken.test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The pool's addresses as the operator wrote them: {@code first-last} or the CIDR. */
    public String addressesText() {
        if (networkType == NetworkType.SUBNET) {
            return Cidr.containing(range.first(), subnetPrefix()).toString();
        }
        return range.first() + "-" + range.last();
    }

    private int subnetPrefix() {
        int hostBits = range.size().bitLength() - 1;
        return family().bits() - hostBits;
    }

    /** Back to the operator's form (for update round trips and listings). */
    public PoolSpec toSpec() {
        boolean subnet = networkType == NetworkType.SUBNET;
        return new PoolSpec(
                name,
                networkType.text(),
                subnet ? null : range.first().toString(),
                subnet ? null : range.last().toString(),
                subnet ? addressesText() : null,
                network.prefix(),
                gateway.toString(),
                nameServers.stream().map(Ip::toString).toList(),
                restrictToSingleCluster,
                excludedAddresses.stream().map(Ip::toString).toList());
    }
}
