package io.pcg.simulators.vsphere;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Simulator: the cloud-init metadata CAPV writes to a VM's {@code guestinfo.metadata} (base64, with
 * {@code guestinfo.metadata.encoding=base64}), rendered like CAPV v1.16's {@code pkg/util/constants.go}
 * {@code metadataFormat}: instance-id, local-hostname, wait-on-network and a netplan v2 {@code network} section with
 * one {@code id<i>} ethernet per device (match.macaddress, set-name, dhcp4/dhcp6, addresses, gateways, nameservers).
 */
public final class GuestMetadata {

    /** One network device as the guest is told to configure it. */
    public record Device(
            String macAddress,
            String deviceName,
            boolean dhcp4,
            boolean dhcp6,
            List<String> addresses,
            String gateway4,
            String gateway6,
            List<String> nameservers,
            List<String> searchDomains) {
        public Device {
            Objects.requireNonNull(macAddress, "macAddress");
            addresses = List.copyOf(addresses);
            nameservers = List.copyOf(nameservers);
            searchDomains = List.copyOf(searchDomains);
        }
    }

    private GuestMetadata() {}

    public static String render(String hostname, List<Device> devices) {
        boolean ipv4 = devices.stream()
                .anyMatch(d -> d.dhcp4() || d.addresses().stream().anyMatch(a -> !a.contains(":")));
        boolean ipv6 = devices.stream()
                .anyMatch(d -> d.dhcp6() || d.addresses().stream().anyMatch(a -> a.contains(":")));
        StringBuilder out = new StringBuilder();
        out.append("instance-id: \"").append(hostname).append("\"\n");
        out.append("local-hostname: \"").append(hostname).append("\"\n");
        out.append("wait-on-network:\n");
        out.append("  ipv4: ").append(ipv4).append('\n');
        out.append("  ipv6: ").append(ipv6).append('\n');
        out.append("network:\n");
        out.append("  version: 2\n");
        out.append("  ethernets:\n");
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            out.append("    id").append(i).append(":\n");
            out.append("      match:\n");
            out.append("        macaddress: \"").append(d.macAddress()).append("\"\n");
            out.append("      set-name: \"")
                    .append(d.deviceName() == null || d.deviceName().isBlank() ? "eth" + i : d.deviceName())
                    .append("\"\n");
            out.append("      wakeonlan: true\n");
            out.append("      dhcp4: ").append(d.dhcp4()).append('\n');
            out.append("      dhcp6: ").append(d.dhcp6()).append('\n');
            out.append("      accept-ra: ").append(d.dhcp6()).append('\n');
            if (!d.addresses().isEmpty()) {
                out.append("      addresses:\n");
                d.addresses().forEach(a -> out.append("      - \"").append(a).append("\"\n"));
            }
            if (d.gateway4() != null && !d.gateway4().isBlank()) {
                out.append("      gateway4: \"").append(d.gateway4()).append("\"\n");
            }
            if (d.gateway6() != null && !d.gateway6().isBlank()) {
                out.append("      gateway6: \"").append(d.gateway6()).append("\"\n");
            }
            if (!d.nameservers().isEmpty() || !d.searchDomains().isEmpty()) {
                out.append("      nameservers:\n");
                if (!d.nameservers().isEmpty()) {
                    out.append("        addresses:\n");
                    d.nameservers()
                            .forEach(a -> out.append("        - \"").append(a).append("\"\n"));
                }
                if (!d.searchDomains().isEmpty()) {
                    out.append("        search:\n");
                    d.searchDomains()
                            .forEach(a -> out.append("        - \"").append(a).append("\"\n"));
                }
            }
        }
        return out.toString();
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The static addresses ("addr/prefix") a rendered metadata document gives its devices, in order. */
    public static List<String> addresses(String metadata) {
        List<String> found = new ArrayList<>();
        boolean inAddresses = false;
        for (String line : metadata.split("\n")) {
            if (line.equals("      addresses:")) {
                inAddresses = true;
            } else if (inAddresses && line.startsWith("      - \"")) {
                found.add(line.substring("      - \"".length(), line.length() - 1));
            } else {
                inAddresses = false;
            }
        }
        return found;
    }
}
