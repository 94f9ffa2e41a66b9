package io.pcg.common.net;

import io.pcg.common.errors.ErrorText;
import java.math.BigInteger;

/** An inclusive range of addresses of one family; {@code first <= last}. */
public record IpRange(Ip first, Ip last) {

    public IpRange {
        if (!first.sameFamily(last)) {
            throw new InvalidAddressException(
                    "range " + first + "-" + last + " mixes IPv4 and IPv6; both ends must be of one family");
        }
        if (first.compareTo(last) > 0) {
            throw new InvalidAddressException("range start " + first + " comes after its end " + last + "; swap them");
        }
    }

    /** Parses {@code first-last}. */
    public static IpRange parse(String text) {
        if (text == null || !text.contains("-")) {
            throw new InvalidAddressException(
                    ErrorText.quote(text) + " is not a range; write it as first-last, e.g. 10.10.183.1-10.10.183.100");
        }
        int dash = text.indexOf('-');
        return new IpRange(Ip.parse(text.substring(0, dash)), Ip.parse(text.substring(dash + 1)));
    }

    public static IpRange single(Ip address) {
        return new IpRange(address, address);
    }

    public IpFamily family() {
        return first.family();
    }

    public BigInteger size() {
        return last.value().subtract(first.value()).add(BigInteger.ONE);
    }

    public boolean contains(Ip address) {
        return first.sameFamily(address) && first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
    }

    public boolean contains(IpRange other) {
        return contains(other.first) && contains(other.last);
    }

    public boolean overlaps(IpRange other) {
        return first.sameFamily(other.first) && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }

    @Override
    public String toString() {
        return first.equals(last) ? first.toString() : first + "-" + last;
    }
}
