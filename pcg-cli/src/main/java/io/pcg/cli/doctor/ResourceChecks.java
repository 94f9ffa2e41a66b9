package io.pcg.cli.doctor;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This VM's vCPUs, memory and disk against the product guide's minimum for a one-node gateway (2 vCPU, 4 GB, 30 GB):
 * the appliance runs the bootstrap cluster itself. The three-node figures (6 vCPU, 12 GB, 70 GB) are the gateway
 * cluster's total in vSphere, not this VM's; the agent's vSphere validation checks those.
 */
final class ResourceChecks {

    static final String CPU = "vCPUs";
    static final String MEMORY = "memory";
    static final String DISK = "disk";
    static final Minimum ONE_NODE = new Minimum(2, 4096, 30);
    /** The kernel keeps part of the memory and the file system part of the disk: accept 90 % of the nominal size. */
    static final double USABLE_SHARE = 0.9;
    /** Below this share free, images and logs will soon fill the disk. */
    static final double FREE_WARNING_SHARE = 0.1;

    private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+) kB");
    private static final String RESIZE = "power the VM off, raise its %s in vSphere to at least %s, power it on";

    /** The product guide's minimum capacity. */
    record Minimum(int cpus, long memoryMiB, long diskGiB) {}

    private final DoctorSettings settings;

    ResourceChecks(DoctorSettings settings) {
        this.settings = settings;
    }

    List<CheckResult> run() {
        return List.of(cpus(), memory(), disk());
    }

    private CheckResult cpus() {
        Path cpuinfo = settings.procDir().resolve("cpuinfo");
        try (var lines = Files.lines(cpuinfo)) {
            long count = lines.filter(line -> line.startsWith("processor")).count();
            String found = count + " vCPU(s), minimum " + ONE_NODE.cpus();
            return count >= ONE_NODE.cpus()
                    ? CheckResult.pass(CPU, found)
                    : CheckResult.fail(CPU, found, String.format(RESIZE, "CPU count", ONE_NODE.cpus()));
        } catch (IOException e) {
            return CheckResult.warn(
                    CPU, "cannot read " + cpuinfo + ": " + Tunnel.describe(e), "run pcg doctor on the appliance");
        }
    }

    private CheckResult memory() {
        Path meminfo = settings.procDir().resolve("meminfo");
        try {
            Matcher total = MEM_TOTAL.matcher(Files.readString(meminfo));
            if (!total.find()) {
                return CheckResult.warn(MEMORY, meminfo + " has no MemTotal line", "run pcg doctor on the appliance");
            }
            long mib = Long.parseLong(total.group(1)) / 1024;
            String found = mib + " MiB, minimum " + ONE_NODE.memoryMiB() + " MiB (4 GB)";
            return mib >= ONE_NODE.memoryMiB() * USABLE_SHARE
                    ? CheckResult.pass(MEMORY, found)
                    : CheckResult.fail(MEMORY, found, String.format(RESIZE, "memory", ONE_NODE.memoryMiB() + " MiB"));
        } catch (IOException e) {
            return CheckResult.warn(
                    MEMORY, "cannot read " + meminfo + ": " + Tunnel.describe(e), "run pcg doctor on the appliance");
        }
    }

    private CheckResult disk() {
        Path path = settings.diskPath();
        try {
            FileStore store = Files.getFileStore(path);
            long gib = store.getTotalSpace() >> 30;
            long freeGib = store.getUsableSpace() >> 30;
            String found = "file system of " + path + ": " + gib + " GiB, " + freeGib + " GiB free; minimum "
                    + ONE_NODE.diskGiB() + " GB";
            if (gib < ONE_NODE.diskGiB() * USABLE_SHARE) {
                return CheckResult.fail(
                        DISK,
                        found,
                        String.format(RESIZE, "disk", ONE_NODE.diskGiB() + " GB")
                                + ", then grow the partition and file system");
            }
            if (store.getUsableSpace() < store.getTotalSpace() * FREE_WARNING_SHARE) {
                return CheckResult.warn(
                        DISK,
                        found,
                        "free space: 'sudo journalctl --vacuum-size=200M', remove old bundles in"
                                + " /tmp (pcg-logs-*.tgz), 'sudo docker image prune'");
            }
            return CheckResult.pass(DISK, found);
        } catch (IOException e) {
            return CheckResult.warn(
                    DISK, "cannot read the file system of " + path + ": " + Tunnel.describe(e), "pass --disk-path");
        }
    }
}
