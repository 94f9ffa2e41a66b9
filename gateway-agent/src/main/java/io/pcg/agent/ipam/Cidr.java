package io.pcg.agent.ipam;

import java.math.BigInteger;

/** A subnet: its network address and prefix length; host bits of {@code network} are always zero. */
public record Cidr(Ip network, int prefix) {

    public Cidr {
        int bits = network.family().bits();
        if (prefix < 0 || prefix > bits) {
            throw new InvalidAddressException("prefix /" + prefix + " is out of range for " + network.family().label()
                    + "; use 0 to " + bits);
        }
        if (!network.value().and(hostMask(network.family(), prefix)).equals(BigInteger.ZERO)) {
            throw new InvalidAddressException(network + "/" + prefix + " has host bits set; the subnet is "
                    + containing(network, prefix));
        }
    }

    /** Parses {@code address/prefix}; the address must be the network address. */
    public static Cidr parse(String text) {
        if (text == null || !text.contains("/")) {
            throw new InvalidAddressException("'" + text + "' is not a subnet; write it in CIDR form, e.g. 10.10.183.64/26");
        }
        int slash = text.indexOf('/');
        Ip address = Ip.parse(text.substring(0, slash));
        return new Cidr(address, parsePrefix(text.substring(slash + 1).trim(), address.family()));
    }

    static int parsePrefix(String text, IpFamily family) {
        if (!text.matches("[0-9]{1,3}")) {
            throw new InvalidAddressException("'/" + text + "' is not a prefix length; use a number from 0 to " + family.bits());
        }
        return Integer.parseInt(text);
    }

    /** The subnet of the given length that holds {@code address}. */
    public static Cidr containing(Ip address, int prefix) {
        if (prefix < 0 || prefix > address.family().bits()) {
            throw new InvalidAddressException("prefix /" + prefix + " is out of range for " + address.family().label()
                    + "; use 0 to " + address.family().bits());
        }
        BigInteger network = address.value().andNot(hostMask(address.family(), prefix));
        return new Cidr(new Ip(address.family(), network), prefix);
    }

    private static BigInteger hostMask(IpFamily family, int prefix) {
        return BigInteger.ONE.shiftLeft(family.bits() - prefix).subtract(BigInteger.ONE);
    }

    public IpFamily family() {
        return network.family();
    }

    /** The last address: the broadcast address for IPv4. */
    public Ip last() {
        return new Ip(network.family(), network.value().or(hostMask(network.family(), prefix)));
    }

    public IpRange range() {
        return new IpRange(network, last());
    }

    public boolean contains(Ip address) {
        return range().contains(address);
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
