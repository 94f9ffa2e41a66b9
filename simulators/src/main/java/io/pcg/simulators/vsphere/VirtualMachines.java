package io.pcg.simulators.vsphere;

import com.fasterxml.jackson.databind.JsonNode;
import io.pcg.common.process.CommandRunner;
import io.pcg.simulators.timing.InfrastructureTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Simulator: the vCenter operations CAPV's VSphereVM controller performs (clone from a template, extraConfig,
 * guest customization, power, lookup by BIOS UUID, destroy), done with govc against vcsim or a vCenter.
 */
public final class VirtualMachines {

    /** A network adapter and what the guest reports on it. */
    public record Nic(String macAddress, String network, boolean connected, List<String> ipAddresses) {
        public Nic {
            ipAddresses = List.copyOf(ipAddresses);
        }
    }

    /** A VM as vCenter reports it. */
    public record VmInfo(
            String name,
            String moref,
            String biosUuid,
            String instanceUuid,
            String powerState,
            String host,
            boolean template,
            int numCpus,
            int memoryMiB,
            List<Nic> nics,
            Map<String, String> extraConfig) {
        public VmInfo {
            nics = List.copyOf(nics);
            extraConfig = Map.copyOf(extraConfig);
        }

        public boolean poweredOn() {
            return "poweredOn".equals(powerState);
        }

        /** Every address the guest reports, in adapter order. */
        public List<String> ipAddresses() {
            List<String> all = new ArrayList<>();
            nics.forEach(nic -> all.addAll(nic.ipAddresses()));
            return all;
        }
    }

    /**
     * What to clone: the template (name or inventory path), where to put the clone and how to size it. Null
     * placement fields let vCenter choose, as govc does.
     */
    public record CloneSpec(
            String datacenter,
            String template,
            String name,
            String folder,
            String datastore,
            String resourcePool,
            List<String> networks,
            int numCpus,
            int memoryMiB) {
        public CloneSpec {
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(name, "name");
            networks = List.copyOf(networks);
        }
    }

    /** A static address the guest applies on one adapter (vcsim then reports it as the guest's IP). */
    public record GuestIp(String address, String netmask, String gateway) {}

    private final Govc govc;
    private final InfrastructureTime creatingVms;
    /** Host names by managed object reference: fixed for a host's life, so asked once, not on every reconcile. */
    private final Map<String, String> hostNames = new ConcurrentHashMap<>();

    public VirtualMachines(VcenterAccess access) {
        this(access, new InfrastructureTime());
    }

    /**
     * @param creatingVms counts the time vCenter spends creating and powering on VMs (benchmarks), which a real
     *                    vCenter takes minutes for; lookups and checks are not counted
     */
    public VirtualMachines(VcenterAccess access, InfrastructureTime creatingVms) {
        this.govc = new Govc(access);
        this.creatingVms = creatingVms;
    }

    /** vCenter answers with these credentials (CAPV's VCenterAvailable check); the failure says why not. */
    public void checkSession() throws IOException {
        govc.call("about");
    }

    public Optional<VmInfo> byBiosUuid(String datacenter, String biosUuid) throws IOException {
        List<String> args = new ArrayList<>(List.of("vm.info", "-json"));
        dc(args, datacenter);
        args.addAll(List.of("-vm.uuid", biosUuid));
        CommandRunner.Result result = govc.run(args);
        if (!result.succeeded()) {
            if ((result.stderr() + result.stdout()).contains("no such VM")) {
                return Optional.empty();
            }
            throw new IOException(
                    "govc vm.info -vm.uuid " + biosUuid + ": " + (result.stderr() + result.stdout()).strip());
        }
        return parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.stdout()));
    }

    /** The VM named {@code name} anywhere in the datacenter (VM names are unique per folder; CAPV's are per cluster). */
    public Optional<VmInfo> byName(String datacenter, String name) throws IOException {
        String root = datacenter == null || datacenter.isBlank() ? "/" : "/" + datacenter.replaceFirst("^/", "");
        JsonNode paths = govc.json("find", "-json", root, "-type", "m", "-name", name);
        if (!paths.isArray() || paths.isEmpty()) {
            return Optional.empty();
        }
        return parse(govc.json("vm.info", "-json", paths.get(0).asText()));
    }

    /** Clones the template, powered off, and returns the new VM. */
    public VmInfo cloneVm(CloneSpec spec) throws IOException {
        return creatingVms.measure(() -> cloneAndDescribe(spec));
    }

    private VmInfo cloneAndDescribe(CloneSpec spec) throws IOException {
        List<String> args = new ArrayList<>(List.of("vm.clone"));
        dc(args, spec.datacenter());
        args.addAll(List.of("-vm", spec.template(), "-on=false"));
        optional(args, "-folder", spec.folder());
        optional(args, "-ds", spec.datastore());
        optional(args, "-pool", spec.resourcePool());
        if (!spec.networks().isEmpty() && spec.networks().get(0) != null) {
            args.addAll(List.of("-net", spec.networks().get(0)));
        }
        if (spec.numCpus() > 0) {
            args.addAll(List.of("-c", Integer.toString(spec.numCpus())));
        }
        if (spec.memoryMiB() > 0) {
            args.addAll(List.of("-m", Integer.toString(spec.memoryMiB())));
        }
        args.add(spec.name());
        govc.call(args.toArray(String[]::new));
        VmInfo clone = byName(spec.datacenter(), spec.name())
                .orElseThrow(() -> new IOException("the clone " + spec.name() + " is not in the inventory"));
        for (int i = 1; i < spec.networks().size(); i++) {
            List<String> add = new ArrayList<>(List.of("vm.network.add"));
            dc(add, spec.datacenter());
            add.addAll(List.of(
                    "-vm.uuid", clone.biosUuid(), "-net", spec.networks().get(i)));
            govc.call(add.toArray(String[]::new));
        }
        return spec.networks().size() > 1
                ? byBiosUuid(spec.datacenter(), clone.biosUuid()).orElseThrow()
                : clone;
    }

    public void setExtraConfig(String datacenter, String biosUuid, Map<String, String> values) throws IOException {
        List<String> args = new ArrayList<>(List.of("vm.change"));
        dc(args, datacenter);
        args.addAll(List.of("-vm.uuid", biosUuid));
        values.forEach((key, value) -> args.addAll(List.of("-e", key + "=" + value)));
        creatingVms.measure(() -> govc.call(args.toArray(String[]::new)));
    }

    /** Applies static guest addresses (vcsim's guest customization; the VM must be powered off). */
    public void customize(String datacenter, String biosUuid, String hostname, List<GuestIp> ips) throws IOException {
        List<String> args = new ArrayList<>(List.of("vm.customize"));
        dc(args, datacenter);
        args.addAll(List.of("-vm.uuid", biosUuid, "-type", "Linux", "-name", hostname));
        for (GuestIp ip : ips) {
            args.addAll(List.of("-ip", ip.address(), "-netmask", ip.netmask()));
            if (ip.gateway() != null && !ip.gateway().isBlank()) {
                args.addAll(List.of("-gateway", ip.gateway()));
            }
        }
        creatingVms.measure(() -> govc.call(args.toArray(String[]::new)));
    }

    public void powerOn(String datacenter, String biosUuid) throws IOException {
        List<String> args = new ArrayList<>(List.of("vm.power"));
        dc(args, datacenter);
        args.addAll(List.of("-on", "-vm.uuid", biosUuid));
        creatingVms.measure(() -> govc.call(args.toArray(String[]::new)));
    }

    /** Powers off (if on) and destroys the VM; a VM that is already gone is fine. */
    public void destroy(String datacenter, String biosUuid) throws IOException {
        if (byBiosUuid(datacenter, biosUuid).isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("vm.destroy"));
        dc(args, datacenter);
        args.addAll(List.of("-vm.uuid", biosUuid));
        govc.call(args.toArray(String[]::new));
    }

    /** The host's name for a {@code HostSystem} reference such as {@code host-50}. */
    public String hostName(String hostMoref) throws IOException {
        String known = hostNames.get(hostMoref);
        if (known != null) {
            return known;
        }
        String name = govc.call("object.collect", "-s", "HostSystem:" + hostMoref, "name")
                .strip();
        hostNames.put(hostMoref, name);
        return name;
    }

    private static Optional<VmInfo> parse(JsonNode info) {
        JsonNode vms = info.path("VirtualMachines");
        if (!vms.isArray() || vms.isEmpty()) {
            return Optional.empty();
        }
        JsonNode vm = vms.get(0);
        JsonNode config = vm.path("Config");
        Map<String, String> extra = new LinkedHashMap<>();
        for (JsonNode entry : config.path("ExtraConfig")) {
            extra.put(entry.path("Key").asText(), entry.path("Value").asText());
        }
        Map<String, List<String>> guestIps = new LinkedHashMap<>();
        for (JsonNode net : vm.path("Guest").path("Net")) {
            List<String> ips = new ArrayList<>();
            for (JsonNode ip : net.path("IpAddress")) {
                ips.add(ip.asText());
            }
            guestIps.put(
                    net.path("MacAddress").asText() + "#"
                            + net.path("DeviceConfigId").asText(),
                    ips);
        }
        List<Nic> nics = new ArrayList<>();
        for (JsonNode device : config.path("Hardware").path("Device")) {
            if (!device.has("MacAddress")) {
                continue;
            }
            String mac = device.path("MacAddress").asText();
            List<String> ips = guestIps.getOrDefault(
                    mac + "#" + device.path("Key").asText(),
                    guestIps.entrySet().stream()
                            .filter(e -> e.getKey().startsWith(mac + "#"))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(List.of()));
            String network = device.path("DeviceInfo").path("Summary").asText();
            boolean connected = device.path("Connectable").path("Connected").asBoolean(true);
            nics.add(new Nic(mac, network, connected, ips));
        }
        return Optional.of(new VmInfo(
                vm.path("Name").asText(),
                vm.path("Self").path("Value").asText(),
                config.path("Uuid").asText(),
                config.path("InstanceUuid").asText(),
                vm.path("Runtime").path("PowerState").asText(),
                vm.path("Runtime").path("Host").path("Value").asText(),
                config.path("Template").asBoolean(false),
                config.path("Hardware").path("NumCPU").asInt(),
                config.path("Hardware").path("MemoryMB").asInt(),
                nics,
                extra));
    }

    private static void dc(List<String> args, String datacenter) {
        if (datacenter != null && !datacenter.isBlank()) {
            args.addAll(List.of("-dc", datacenter));
        }
    }

    private static void optional(List<String> args, String flag, String value) {
        if (value != null && !value.isBlank()) {
            args.addAll(List.of(flag, value));
        }
    }
}
