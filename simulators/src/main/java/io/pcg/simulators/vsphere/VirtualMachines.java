package io.pcg.simulators.vsphere;

import com.vmware.vim25.GuestNicInfo;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.OptionValue;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualEthernetCard;
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
 * guest customization, power, lookup by BIOS UUID, destroy) against vcsim or a vCenter. The tasks run through govc,
 * which builds their specs as vSphere's own tooling does; the lookups, made on every reconcile, go through one
 * long-lived SOAP session ({@link VimSession}), as a controller's would.
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

    /** What a lookup reads of a VM: enough for {@link VmInfo}. */
    private static final String[] VM_PROPERTIES = {
        "name",
        "config.uuid",
        "config.instanceUuid",
        "config.template",
        "config.hardware.numCPU",
        "config.hardware.memoryMB",
        "config.hardware.device",
        "config.extraConfig",
        "runtime.powerState",
        "runtime.host",
        "guest.net"
    };

    private final Govc govc;
    private final VimSession session;
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
        this.session = new VimSession(access);
        this.creatingVms = creatingVms;
    }

    /** vCenter answers with these credentials (CAPV's VCenterAvailable check); the failure says why not. */
    public void checkSession() throws IOException {
        session.checkLogin();
    }

    public Optional<VmInfo> byBiosUuid(String datacenter, String biosUuid) throws IOException {
        return describe(session.vmByBiosUuid(datacenter, biosUuid));
    }

    /** The VM named {@code name} anywhere in the datacenter (VM names are unique per folder; CAPV's are per cluster). */
    public Optional<VmInfo> byName(String datacenter, String name) throws IOException {
        return describe(session.vmByName(datacenter, name));
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
        ManagedObjectReference host = new ManagedObjectReference();
        host.setType("HostSystem");
        host.setVal(hostMoref);
        Object name = session.properties(host, "name").get("name");
        if (name == null) {
            throw new IOException("host " + hostMoref + " is not in the inventory");
        }
        hostNames.put(hostMoref, name.toString());
        return name.toString();
    }

    private Optional<VmInfo> describe(Optional<ManagedObjectReference> vm) throws IOException {
        if (vm.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> p = session.properties(vm.get(), VM_PROPERTIES);
        if (p.isEmpty()) {
            return Optional.empty(); // destroyed since it was found
        }
        Map<String, String> extra = new LinkedHashMap<>();
        if (p.get("config.extraConfig") instanceof OptionValue[] options) {
            for (OptionValue option : options) {
                extra.put(option.getKey(), String.valueOf(option.getValue()));
            }
        }
        List<GuestNicInfo> guestNics = p.get("guest.net") instanceof GuestNicInfo[] net ? List.of(net) : List.of();
        List<Nic> nics = new ArrayList<>();
        if (p.get("config.hardware.device") instanceof VirtualDevice[] devices) {
            for (VirtualDevice device : devices) {
                if (device instanceof VirtualEthernetCard card) {
                    nics.add(new Nic(
                            card.getMacAddress(),
                            card.getDeviceInfo() == null
                                    ? ""
                                    : card.getDeviceInfo().getSummary(),
                            card.getConnectable() == null
                                    || card.getConnectable().isConnected(),
                            guestIps(card, guestNics)));
                }
            }
        }
        return Optional.of(new VmInfo(
                String.valueOf(p.get("name")),
                vm.get().getVal(),
                (String) p.get("config.uuid"),
                (String) p.get("config.instanceUuid"),
                p.get("runtime.powerState") == null
                        ? ""
                        : p.get("runtime.powerState").toString(),
                p.get("runtime.host") instanceof ManagedObjectReference host ? host.getVal() : "",
                Boolean.TRUE.equals(p.get("config.template")),
                p.get("config.hardware.numCPU") instanceof Number n ? n.intValue() : 0,
                p.get("config.hardware.memoryMB") instanceof Number n ? n.intValue() : 0,
                nics,
                extra));
    }

    /** What the guest reports for this adapter: matched by device key, else by MAC address. */
    private static List<String> guestIps(VirtualEthernetCard card, List<GuestNicInfo> guestNics) {
        GuestNicInfo byMac = null;
        for (GuestNicInfo nic : guestNics) {
            if (card.getMacAddress() == null || !card.getMacAddress().equals(nic.getMacAddress())) {
                continue;
            }
            if (nic.getDeviceConfigId() == card.getKey()) {
                return nic.getIpAddress() == null ? List.of() : List.of(nic.getIpAddress());
            }
            byMac = byMac == null ? nic : byMac;
        }
        return byMac == null || byMac.getIpAddress() == null ? List.of() : List.of(byMac.getIpAddress());
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
