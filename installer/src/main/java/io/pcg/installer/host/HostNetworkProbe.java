package io.pcg.installer.host;

import io.pcg.installer.validation.VmAddress;
import java.io.UncheckedIOException;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads the addresses of this machine's interfaces that are up, skipping loopback and link-local ones. */
public final class HostNetworkProbe implements NetworkProbe {

    @Override
    public List<VmAddress> addresses() {
        List<VmAddress> result = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                    if (!address.getAddress().isLinkLocalAddress()
                            && !address.getAddress().isLoopbackAddress()) {
                        result.add(new VmAddress(address.getAddress(), address.getNetworkPrefixLength()));
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list the network interfaces: " + e.getMessage(), e);
        }
        return result;
    }
}
