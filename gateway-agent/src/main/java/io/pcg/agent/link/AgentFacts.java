package io.pcg.agent.link;

import io.pcg.proto.v1.Capacity;
import io.pcg.proto.v1.Register;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The facts the agent registers with: who it is and what the appliance VM has. Read fresh on every registration. */
final class AgentFacts {

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private AgentFacts() {}

    static Register register(String name, String version, Path stateDir) {
        return Register.newBuilder()
                .setName(name)
                .setVersion(version)
                .setHostname(hostname())
                .addAllIpAddresses(ipAddresses())
                .setCapacity(Capacity.newBuilder()
                        .setCpus(Runtime.getRuntime().availableProcessors())
                        .setMemoryBytes(totalMemory())
                        .setDiskFreeBytes(diskFree(stateDir)))
                .build();
    }

    /** The kernel's host name; no DNS lookup, which may hang on a VM whose resolver is not set up yet. */
    static String hostname() {
        try {
            return Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null ? "" : fromEnvironment;
        }
    }

    /** Addresses of interfaces that are up, without loopback and link-local ones: what an admin can reach the VM on. */
    static List<String> ipAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        String text = address.getHostAddress();
                        int zone = text.indexOf('%');
                        addresses.add(zone < 0 ? text : text.substring(0, zone));
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return addresses;
    }

    private static long totalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static long diskFree(Path stateDir) {
        try {
            return Files.getFileStore(stateDir).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
