package io.pcg.agent.ipam;

import io.pcg.common.net.Cidr;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpFamily;
import io.pcg.common.net.IpRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an operator's {@link PoolSpec} into a {@link Pool}, or explains every mistake at once. Pure: the other
 * pools of the gateway are passed in, so overlap is checked without touching the cluster.
 */
public final class PoolValidator {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private PoolValidator() {}

    /**
     * @param otherPools the gateway's other pools (a pool with the same name is ignored, so updates validate too)
     */
    public static Pool validate(PoolSpec spec, Collection<Pool> otherPools) throws PoolValidationException {
        List<String> problems = new ArrayList<>();
        String name = spec.name() == null ? "" : spec.name().trim();
        if (!DNS_LABEL.matcher(name).matches()) {
            problems.add(
                    "name '" + name
                            + "' is not usable: use 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit");
        }

        NetworkType type = networkType(spec, problems);
        IpRange range = null;
        Integer subnetPrefix = null;
        if (type == NetworkType.RANGE) {
            if (!blank(spec.subnet())) {
                problems.add("subnet is only used by subnet pools; a range pool takes start and end");
            }
            Ip start = parse("start", spec.start(), problems);
            Ip end = parse("end", spec.end(), problems);
            if (start != null && end != null) {
                if (!start.sameFamily(end)) {
                    problems.add("start " + start + " and end " + end + " must both be IPv4 or both be IPv6");
                } else if (start.compareTo(end) > 0) {
                    problems.add(
                            "start " + start + " comes after end " + end + "; the start must be the lower address");
                } else {
                    range = new IpRange(start, end);
                }
            }
        } else if (type == NetworkType.SUBNET) {
            if (!blank(spec.start()) || !blank(spec.end())) {
                problems.add("start and end are only used by range pools; a subnet pool takes subnet (CIDR)");
            }
            if (blank(spec.subnet())) {
                problems.add("subnet is required for a subnet pool, e.g. 10.10.183.64/26");
            } else {
                try {
                    Cidr block = Cidr.parse(spec.subnet().trim());
                    range = block.range();
                    subnetPrefix = block.prefix();
                } catch (InvalidAddressException e) {
                    problems.add("subnet: " + e.getMessage());
                }
            }
        }

        Integer prefix = spec.prefix() != null ? spec.prefix() : subnetPrefix;
        if (prefix == null && type == NetworkType.RANGE) {
            problems.add("prefix is required for a range pool: the prefix length of the node network, e.g. 24");
        }
        if (range != null && prefix != null) {
            int bits = range.family().bits();
            if (prefix < 1 || prefix > bits) {
                problems.add("prefix /" + prefix + " is out of range for "
                        + range.family().label() + "; use 1 to " + bits);
                prefix = null;
            } else if (subnetPrefix != null && prefix > subnetPrefix) {
                problems.add("prefix /" + prefix + " is narrower than the pool subnet "
                        + spec.subnet().trim() + "; the subnet must fit inside the node network");
                prefix = null;
            }
        }

        Ip gateway = parse("gateway", spec.gateway(), problems);
        Cidr network = null;
        if (gateway != null && range != null && prefix != null) {
            if (!gateway.sameFamily(range.first())) {
                problems.add("gateway " + gateway + " is " + gateway.family().label() + " but the pool is "
                        + range.family().label());
            } else {
                network = Cidr.containing(gateway, prefix);
                if (!network.range().contains(range)) {
                    problems.add("addresses " + range + " are outside the subnet " + network + " given by gateway "
                            + gateway + " and prefix /" + prefix + "; fix the addresses, the gateway or the prefix");
                }
                if (gateway.equals(network.network())
                        || (gateway.family() == IpFamily.V4 && gateway.equals(network.last()) && prefix < 31)) {
                    problems.add("gateway " + gateway + " is the network or broadcast address of " + network);
                }
            }
        }

        List<Ip> nameServers = parseAll("name server", spec.nameServers(), problems);
        List<Ip> excluded = parseAll("excluded address", spec.excludedAddresses(), problems);
        if (range != null) {
            for (Ip address : excluded) {
                if (!address.sameFamily(range.first())) {
                    problems.add("excluded address " + address + " is not "
                            + range.family().label() + " like the pool");
                }
            }
        }

        if (!problems.isEmpty() || range == null || network == null) {
            if (problems.isEmpty()) {
                problems.add("the pool needs its addresses, prefix and gateway");
            }
            throw new PoolValidationException(name, problems);
        }

        Pool pool = new Pool(name, type, range, network, gateway, nameServers, spec.restricted(), excluded);
        if (pool.capacity().signum() <= 0) {
            problems.add("no address is left to hand out once the network, broadcast, gateway and excluded addresses"
                    + " are removed from " + range + "; widen the pool");
        }
        for (Pool other : otherPools) {
            if (!other.name().equals(name) && other.range().overlaps(range)) {
                problems.add("addresses " + range + " overlap pool '" + other.name() + "' (" + other.range()
                        + "); pools must not share addresses, or two nodes could get the same IP");
            }
        }
        if (!problems.isEmpty()) {
            throw new PoolValidationException(name, problems);
        }
        return pool;
    }

    private static NetworkType networkType(PoolSpec spec, List<String> problems) {
        if (!blank(spec.networkType())) {
            try {
                return NetworkType.fromText(spec.networkType());
            } catch (InvalidAddressException e) {
                problems.add(e.getMessage());
                return null;
            }
        }
        if (!blank(spec.subnet())) {
            return NetworkType.SUBNET;
        }
        if (!blank(spec.start()) || !blank(spec.end())) {
            return NetworkType.RANGE;
        }
        problems.add("give either start and end (range pool) or subnet (subnet pool)");
        return null;
    }

    private static Ip parse(String field, String text, List<String> problems) {
        if (blank(text)) {
            problems.add(field + " is required");
            return null;
        }
        try {
            return Ip.parse(text);
        } catch (InvalidAddressException e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    private static List<Ip> parseAll(String field, List<String> texts, List<String> problems) {
        List<Ip> parsed = new ArrayList<>();
        for (String text : texts) {
            Ip address = parse(field, text, problems);
            if (address != null) {
                parsed.add(address);
            }
        }
        return parsed;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
