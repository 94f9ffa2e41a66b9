package io.pcg.common.net;

import java.math.BigInteger;

/** Address family; the bit width drives every piece of arithmetic. */
public enum IpFamily {
    V4(32),
    V6(128);

    private final int bits;
    private final BigInteger max;

    IpFamily(int bits) {
        this.bits = bits;
        this.max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }

    public int bits() {
        return bits;
    }

    /** The all-ones address of the family. */
    public BigInteger max() {
        return max;
    }

    public String label() {
        return this == V4 ? "IPv4" : "IPv6";
    }
}
