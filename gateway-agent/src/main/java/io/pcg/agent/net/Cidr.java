package io.pcg.agent.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation, normalised to its network address ({@code 10.1.2.3/8} becomes
 * {@code 10.0.0.0/8}). Pure value type: parsing never touches DNS.
 */
public record Cidr(InetAddress network, int prefix) {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " is outside 0-" + bits);
        }
        network = toAddress(toNumber(network).and(mask(bits, prefix)), network.getAddress().length);
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x::y/n}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and shows a valid example
     */
    public static Cidr parse(String text) {
        String value = text == null ? "" : text.trim();
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: it needs a /prefix, e.g. 10.10.0.0/16");
        }
        InetAddress address = parseAddress(value.substring(0, slash)).orElseThrow(() -> new IllegalArgumentException(
                "'" + value + "' is not a CIDR: '" + value.substring(0, slash) + "' is not an IP address, e.g. 10.10.0.0/16"));
        int bits = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(value.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: the prefix must be a number from 0 to " + bits);
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: the prefix must be from 0 to " + bits);
        }
        return new Cidr(address, prefix);
    }

    /** Parses an IP literal without any DNS lookup; empty for anything that is not one. */
    public static Optional<InetAddress> parseAddress(String text) {
        String value = text == null ? "" : text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        boolean v4 = IPV4_LITERAL.matcher(value).matches();
        if (!v4 && !IPV6_LITERAL.matcher(value).matches()) {
            return Optional.empty();
        }
        if (v4) {
            for (String octet : value.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            // getByName does no lookup for literals, and the patterns above admit only literals.
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        return address.getAddress().length == network.getAddress().length
                && toNumber(address).and(mask(bits(), prefix)).equals(toNumber(network));
    }

    public boolean overlaps(Cidr other) {
        if (other.bits() != bits()) {
            return false;
        }
        int shorter = Math.min(prefix, other.prefix);
        BigInteger mask = mask(bits(), shorter);
        return toNumber(network).and(mask).equals(toNumber(other.network).and(mask));
    }

    public boolean isIpv4() {
        return bits() == 32;
    }

    private int bits() {
        return network.getAddress().length * 8;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }

    private static BigInteger mask(int bits, int prefix) {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        return all.xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
    }

    private static BigInteger toNumber(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    private static InetAddress toAddress(BigInteger number, int length) {
        byte[] raw = number.toByteArray();
        byte[] bytes = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + length + "-byte address is always valid", e);
        }
    }
}
