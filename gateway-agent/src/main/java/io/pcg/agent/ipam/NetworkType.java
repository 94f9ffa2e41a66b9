package io.pcg.agent.ipam;

import io.pcg.common.net.InvalidAddressException;
import java.util.Locale;

/** How an operator wrote the pool's addresses (the seed's "Network Type"). */
public enum NetworkType {
    /** A start and an end address. */
    RANGE,
    /** A CIDR block, e.g. 10.10.183.64/26. */
    SUBNET;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NetworkType fromText(String text) {
        for (NetworkType type : values()) {
            if (type.text().equalsIgnoreCase(text.trim())) {
                return type;
            }
        }
        throw new InvalidAddressException(
                "network type '" + text + "' is unknown; use 'range' (start and end) or 'subnet' (CIDR)");
    }
}
