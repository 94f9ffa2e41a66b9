package io.pcg.common.net;

import io.pcg.common.errors.ErrorText;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One IPv4 or IPv6 address as a number, so ranges, subnets and "next free" are plain integer arithmetic.
 * Parsing is strict (no host names, no zone ids, no shorthand like {@code 10.1}) and {@link #toString()} is the
 * canonical text (dotted quad; RFC 5952 compressed lower-case IPv6), so two spellings of one address compare equal.
 */
public record Ip(IpFamily family, BigInteger value) implements Comparable<Ip> {

    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    public Ip {
        if (value.signum() < 0 || value.compareTo(family.max()) > 0) {
            throw new InvalidAddressException(value + " is outside the " + family.label() + " address space");
        }
    }

    public static Ip parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidAddressException("an IP address is required, got nothing");
        }
        String trimmed = text.trim();
        if (IPV4.matcher(trimmed).matches()) {
            BigInteger value = BigInteger.ZERO;
            for (String octet : trimmed.split("\\.")) {
                int number = Integer.parseInt(octet);
                if (number > 255) {
                    throw malformed(trimmed);
                }
                value = value.shiftLeft(8).or(BigInteger.valueOf(number));
            }
            return new Ip(IpFamily.V4, value);
        }
        if (trimmed.contains(":") && IPV6_CHARS.matcher(trimmed).matches()) {
            InetAddress parsed;
            try {
                // A literal with ':' never triggers a DNS lookup.
                parsed = InetAddress.getByName(trimmed);
            } catch (UnknownHostException e) {
                throw malformed(trimmed);
            }
            if (parsed instanceof Inet4Address) {
                throw new InvalidAddressException(
                        ErrorText.quote(trimmed) + " is an IPv4-mapped IPv6 address; write the IPv4 address instead");
            }
            return new Ip(IpFamily.V6, new BigInteger(1, parsed.getAddress()));
        }
        throw malformed(trimmed);
    }

    public static Ip of(InetAddress address) {
        return new Ip(
                address instanceof Inet4Address ? IpFamily.V4 : IpFamily.V6, new BigInteger(1, address.getAddress()));
    }

    public InetAddress toInetAddress() {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[family.bits() / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /**
     * An IP literal, or empty for anything else (host names included: there is never a DNS lookup). An IPv6
     * literal may be bracketed as in URLs ({@code [fd00::1]}).
     */
    public static Optional<Ip> tryParse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.startsWith("[") && value.endsWith("]") && value.contains(":")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return Optional.of(parse(value));
        } catch (InvalidAddressException e) {
            return Optional.empty();
        }
    }

    private static InvalidAddressException malformed(String text) {
        return new InvalidAddressException(ErrorText.quote(text)
                + " is not a valid IPv4 address (e.g. 10.10.183.1) or IPv6 address (e.g. fd00::1)");
    }

    public Ip plus(long delta) {
        return new Ip(family, value.add(BigInteger.valueOf(delta)));
    }

    public Ip plus(BigInteger delta) {
        return new Ip(family, value.add(delta));
    }

    public boolean isIpv4() {
        return family == IpFamily.V4;
    }

    public boolean sameFamily(Ip other) {
        return family == other.family;
    }

    @Override
    public int compareTo(Ip other) {
        int byFamily = family.compareTo(other.family);
        return byFamily != 0 ? byFamily : value.compareTo(other.value);
    }

    /** A DNS-label-safe spelling (dots/colons become dashes, IPv6 fully expanded so it never ends in a dash). */
    public String toLabel() {
        if (family == IpFamily.V4) {
            return toString().replace('.', '-');
        }
        StringBuilder label = new StringBuilder();
        for (int group = 7; group >= 0; group--) {
            label.append(String.format("%04x", value.shiftRight(group * 16).intValue() & 0xffff));
            if (group > 0) {
                label.append('-');
            }
        }
        return label.toString();
    }

    @Override
    public String toString() {
        if (family == IpFamily.V4) {
            long v = value.longValue();
            return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = value.shiftRight((7 - i) * 16).intValue() & 0xffff;
        }
        // RFC 5952: the longest run (leftmost on ties) of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
