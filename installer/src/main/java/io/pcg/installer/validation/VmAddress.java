package io.pcg.installer.validation;

import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * One address of the VM with its prefix, as {@code ip addr} shows it ({@code 10.10.0.7/24}). When the host part is
 * all zeros it names only the network, which is how tests and reviewers pass a network without an address.
 */
public record VmAddress(InetAddress address, int prefix) {

    public static VmAddress parse(String text) {
        Cidr network = Cidr.parseNormalising(text);
        Ip address = Ip.parse(text.trim().substring(0, text.trim().indexOf('/')));
        return new VmAddress(address.toInetAddress(), network.prefix());
    }

    /** The address to show operators: the first IPv4 host address, else any host address. */
    public static Optional<String> primary(List<VmAddress> addresses) {
        return addresses.stream()
                .filter(VmAddress::isHostAddress)
                .sorted((a, b) -> Boolean.compare(b.isIpv4(), a.isIpv4()))
                .map(vm -> vm.address().getHostAddress())
                .findFirst();
    }

    public Cidr network() {
        return Cidr.containing(Ip.of(address), prefix);
    }

    /** False when only the network is known (the host part is zero). */
    public boolean isHostAddress() {
        return !network().network().equals(Ip.of(address)) || prefix == address.getAddress().length * 8;
    }

    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }
}
