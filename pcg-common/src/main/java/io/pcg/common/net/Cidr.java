package io.pcg.common.net;

import io.pcg.common.errors.ErrorText;
import java.math.BigInteger;

/**
 * An IPv4 or IPv6 network in CIDR notation: its network address and prefix length. Host bits of {@code network}
 * are always zero and {@link #toString()} is canonical ({@code 10.10.0.0/16}, {@code fd00::/64}). Parsing never
 * touches DNS, and every error says what is wrong and shows a valid example.
 */
public record Cidr(Ip network, int prefix) {

    private static final String EXAMPLE = "e.g. 10.10.0.0/16 or fd00::/64";

    public Cidr {
        checkPrefix(prefix, network.family());
        if (!network.value().and(hostMask(network.family(), prefix)).equals(BigInteger.ZERO)) {
            throw new InvalidAddressException(
                    network + "/" + prefix + " has host bits set; the network is " + containing(network, prefix));
        }
    }

    /**
     * Parses {@code address/prefix} where the address is the network address ({@code 10.10.183.64/26}). Strict,
     * because a pool written as {@code 10.10.183.65/26} is more likely a typo than a wish for the whole subnet.
     */
    public static Cidr parse(String text) {
        Cidr parsed = parseNormalising(text);
        Ip address = Ip.parse(text.trim().substring(0, text.trim().indexOf('/')));
        return new Cidr(address, parsed.prefix());
    }

    /**
     * Parses {@code address/prefix} where the address may be any address of the network, which stands for the
     * whole network ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}), as Kubernetes and NO_PROXY read CIDRs.
     */
    public static Cidr parseNormalising(String text) {
        String value = text == null ? "" : text.trim();
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new InvalidAddressException(
                    ErrorText.quote(value) + " is not a CIDR: it needs a /prefix, " + EXAMPLE);
        }
        Ip address;
        try {
            address = Ip.parse(value.substring(0, slash));
        } catch (InvalidAddressException e) {
            throw new InvalidAddressException(ErrorText.quote(value) + " is not a CIDR: "
                    + ErrorText.quote(value.substring(0, slash)) + " is not an IP address, " + EXAMPLE);
        }
        String prefix = value.substring(slash + 1).trim();
        if (!prefix.matches("[0-9]{1,3}")) {
            throw new InvalidAddressException(
                    ErrorText.quote(value) + " is not a CIDR: the prefix must be a number from 0 to "
                            + address.family().bits() + ", " + EXAMPLE);
        }
        return containing(address, Integer.parseInt(prefix));
    }

    /** The network of the given prefix length that holds {@code address}. */
    public static Cidr containing(Ip address, int prefix) {
        checkPrefix(prefix, address.family());
        BigInteger network = address.value().andNot(hostMask(address.family(), prefix));
        return new Cidr(new Ip(address.family(), network), prefix);
    }

    /** The network of one address ({@code /32} or {@code /128}). */
    public static Cidr of(Ip address) {
        return new Cidr(address, address.family().bits());
    }

    private static void checkPrefix(int prefix, IpFamily family) {
        if (prefix < 0 || prefix > family.bits()) {
            throw new InvalidAddressException("prefix /" + prefix + " is out of range for " + family.label()
                    + ": the prefix must be from 0 to " + family.bits());
        }
    }

    private static BigInteger hostMask(IpFamily family, int prefix) {
        return BigInteger.ONE.shiftLeft(family.bits() - prefix).subtract(BigInteger.ONE);
    }

    public IpFamily family() {
        return network.family();
    }

    public boolean isIpv4() {
        return family() == IpFamily.V4;
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

    public boolean overlaps(Cidr other) {
        return range().overlaps(other.range());
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
