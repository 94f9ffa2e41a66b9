package io.pcg.agent.ipam;

import io.pcg.common.net.Cidr;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpRange;

/**
 * DHCP mode: nodes take addresses from the site's DHCP server, so the agent hands out nothing; the control-plane
 * VIP must be given by the admin and must lie outside the DHCP range, or the DHCP server could lease it to a node.
 */
public final class DhcpVip {

    private DhcpVip() {}

    /**
     * @param vip       the control-plane VIP the admin typed
     * @param dhcpRange the DHCP server's range, as {@code first-last} or CIDR
     * @return the parsed VIP
     * @throws InvalidAddressException saying what is wrong and what to type instead
     */
    public static Ip validate(String vip, String dhcpRange) {
        if (vip == null || vip.isBlank()) {
            throw new InvalidAddressException("with DHCP the control-plane VIP must be given explicitly: pick a free"
                    + " address on the node network outside the DHCP range");
        }
        Ip address;
        try {
            address = Ip.parse(vip);
        } catch (InvalidAddressException e) {
            throw new InvalidAddressException("control-plane VIP: " + e.getMessage());
        }
        if (dhcpRange == null || dhcpRange.isBlank()) {
            throw new InvalidAddressException("the DHCP range is required to check the control-plane VIP; give it as"
                    + " first-last (e.g. 10.10.0.100-10.10.0.200) or CIDR");
        }
        String text = dhcpRange.trim();
        IpRange range;
        try {
            range = text.contains("/") ? Cidr.parse(text).range() : IpRange.parse(text);
        } catch (InvalidAddressException e) {
            throw new InvalidAddressException("DHCP range: " + e.getMessage());
        }
        if (range.contains(address)) {
            throw new InvalidAddressException("control-plane VIP " + address + " is inside the DHCP range " + range
                    + "; the DHCP server could lease it to a node. Pick an address outside that range or exclude it"
                    + " from the DHCP scope");
        }
        return address;
    }
}
