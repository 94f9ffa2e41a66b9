package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.simulators.vsphere.GuestMetadata;
import io.pcg.simulators.vsphere.VirtualMachines;
import io.pcg.simulators.vsphere.VirtualMachines.VmInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: CAPV's VSphereVM controller (controllers/vspherevm_controller.go, vspherevm_ipaddress_reconciler.go,
 * pkg/services/govmomi). One IPAddressClaim per device and pool ({@code <vm>-<deviceIdx>-<poolIdx>}, owner
 * reference to the VSphereVM, finalizer {@value #CLAIM_FINALIZER}, cluster-name label, {@code spec.clusterName},
 * {@code ipam.cluster.x-k8s.io/v1beta2}); once every claim is bound (DHCP devices get a fake address, as CAPV's
 * vcsim harness does, from 198.18.0.0/15) a real clone in vCenter from the template, in the template spec's
 * folder/datastore/resource pool, with {@code guestinfo.metadata} (CAPV's netplan metadata, base64) and
 * {@code guestinfo.userdata} (the bootstrap data) in extraConfig, the addresses applied by guest customization and
 * the VM powered on. Then {@code spec.biosUUID} and the status (network, addresses, ready, vmRef, host, conditions)
 * as vCenter reports them. A VSphereVM that already has a BIOS UUID (e.g. after clusterctl move) is never cloned
 * again. The booted guest then joins the workload cluster ({@link Guest}).
 */
final class VSphereVmReconciler implements Runtime.Reconciler {

    /** Host numbers within 198.18.0.0/15 that fake DHCP leases use: after the gateway .0.1, before the broadcast. */
    private static final int DHCP_FIRST_HOST = 2;

    private static final int DHCP_LAST_HOST = (1 << 17) - 2;

    static final String FINALIZER = "vspherevm.infrastructure.cluster.x-k8s.io";
    static final String CLAIM_FINALIZER = "vspherevm.infrastructure.cluster.x-k8s.io/ip-claim-protection";
    private static final Logger LOG = LoggerFactory.getLogger(VSphereVmReconciler.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    /**
     * How long a running VM's state as vCenter last reported it stands for it: CAPV requeues a provisioned VM only at
     * its sync period and relies on its session cache, while every resync here would otherwise spawn govc once per
     * VM (hundreds of processes a minute with a benchmark's hundreds of clusters).
     */
    private static final Duration VCENTER_RECHECK = Duration.ofSeconds(30);

    private final Sim sim;
    /** Fake DHCP leases handed out by this simulator, so two VMs never get the same one. */
    private final Map<String, String> dhcpLeases = new ConcurrentHashMap<>();
    /** Running VMs as vCenter last reported them, by VSphereVM uid. */
    private final Map<String, Seen> running = new ConcurrentHashMap<>();

    /** @param atNanos {@link System#nanoTime} of the report: wall time, whatever clock a test injects */
    private record Seen(VmInfo info, long atNanos) {}

    VSphereVmReconciler(Sim sim) {
        this.sim = sim;
    }

    /** An address a claim's IPAddress holds. */
    private record Allocated(String address, int prefix, String gateway) {}

    @Override
    public Duration reconcile(Runtime.Key key) throws IOException {
        GenericKubernetesResource vm = sim.get(Kind.VSPHERE_VM, key.namespace(), key.name());
        if (vm == null) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(vm);
        String clusterName = Obj.label(vm, Sim.CLUSTER_NAME_LABEL);
        GenericKubernetesResource cluster = clusterName == null ? null : sim.cluster(key.namespace(), clusterName);
        if (Sim.paused(cluster, vm)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(vm, status);
            return null;
        }
        if (Obj.deleting(vm)) {
            return reconcileDelete(vm);
        }
        OwnerReference owner = Obj.owner(vm, Kind.VSPHERE_MACHINE);
        if (owner == null || cluster == null) {
            return null;
        }
        if (Obj.addFinalizer(vm, FINALIZER)) {
            sim.update(vm);
            return null;
        }
        Sim.pausedCondition(status, false, now);
        String datacenter = Obj.text(vm, "spec", "datacenter");

        // 1. IP address claims, one per device and pool
        List<Map<String, Object>> devices = Obj.maps(vm, "spec", "network", "devices");
        Map<Integer, List<Allocated>> allocated = new LinkedHashMap<>();
        int total = 0;
        int bound = 0;
        int created = 0;
        for (int d = 0; d < devices.size(); d++) {
            List<Map<String, Object>> pools = Obj.maps(devices.get(d), "addressesFromPools");
            for (int p = 0; p < pools.size(); p++) {
                total++;
                String claimName = key.name() + "-" + d + "-" + p;
                GenericKubernetesResource claim = sim.get(Kind.IP_ADDRESS_CLAIM, key.namespace(), claimName);
                if (claim == null) {
                    createClaim(vm, claimName, pools.get(p), clusterName);
                    created++;
                    continue;
                }
                ensureClaim(vm, claim, clusterName);
                Allocated address = boundAddress(claim);
                if (address != null) {
                    bound++;
                    allocated.computeIfAbsent(d, k -> new ArrayList<>()).add(address);
                }
            }
        }
        if (total > 0) {
            if (bound == total) {
                Conditions.set(status, "IPAddressClaimsFulfilled", Conditions.TRUE, "Fulfilled", "", now);
            } else if (created > 0) {
                Conditions.set(
                        status,
                        "IPAddressClaimsFulfilled",
                        Conditions.FALSE,
                        "IPAddressClaimsBeingCreated",
                        created + "/" + total + " claims being created",
                        now);
            } else {
                Conditions.set(
                        status,
                        "IPAddressClaimsFulfilled",
                        Conditions.FALSE,
                        "WaitingForIPAddress",
                        (total - bound) + "/" + total + " claims being processed",
                        now);
            }
        }

        // 2. the VM in vCenter: found by BIOS UUID once known, never cloned twice
        String biosUuid = Obj.text(vm, "spec", "biosUUID");
        Optional<VmInfo> found;
        Seen seen = running.get(vm.getMetadata().getUid());
        try {
            found = seen != null
                            && seen.info().biosUuid().equals(biosUuid)
                            && System.nanoTime() - seen.atNanos() < VCENTER_RECHECK.toNanos()
                    ? Optional.of(seen.info())
                    : Obj.isBlank(biosUuid)
                            ? sim.vms.byName(datacenter, key.name())
                            : sim.vms.byBiosUuid(datacenter, biosUuid);
            Conditions.set(status, "VCenterAvailable", Conditions.TRUE, "Available", "", now);
        } catch (IOException e) {
            Conditions.set(status, "VCenterAvailable", Conditions.FALSE, "VCenterUnreachable", e.getMessage(), now);
            finish(vm, status, now);
            return RETRY;
        }
        if (found.isEmpty() && !Obj.isBlank(biosUuid)) {
            notProvisioned(
                    status,
                    "NotFoundByBIOSUUID",
                    "Unable to find VM by BIOS UUID " + biosUuid + ". The vm was removed from infra",
                    now);
            finish(vm, status, now);
            return null;
        }
        if (found.isEmpty()) {
            Duration wait = provision(vm, devices, allocated, total, bound, status, now);
            finish(vm, status, now);
            return wait;
        }
        VmInfo info = found.get();
        if (Obj.isBlank(biosUuid)) {
            Obj.spec(vm).put("biosUUID", info.biosUuid());
            sim.update(vm);
            return null;
        }
        if (!info.poweredOn()) {
            try {
                if (!info.extraConfig().containsKey("guestinfo.metadata")) {
                    if (total > bound) {
                        notProvisioned(
                                status, "WaitingForIPAllocation", "Waiting for IP address claims to be fulfilled", now);
                        finish(vm, status, now);
                        return null;
                    }
                    configureGuest(vm, info, devices, allocated);
                }
                sim.vms.powerOn(datacenter, info.biosUuid());
            } catch (IOException e) {
                notProvisioned(status, "TaskFailed", e.getMessage(), now);
                finish(vm, status, now);
                return RETRY;
            }
            notProvisioned(status, "PoweringOn", "Powering on the VM", now);
            finish(vm, status, now);
            return Duration.ofMillis(100);
        }

        // 3. status as vCenter reports it
        List<Object> network = new ArrayList<>();
        List<Object> addresses = new ArrayList<>();
        for (int i = 0; i < info.nics().size(); i++) {
            VirtualMachines.Nic nic = info.nics().get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("connected", nic.connected());
            entry.put("macAddr", nic.macAddress());
            String networkName = i < devices.size() ? Obj.text(devices.get(i), "networkName") : nic.network();
            if (!Obj.isBlank(networkName)) {
                entry.put("networkName", networkName);
            }
            if (!nic.ipAddresses().isEmpty()) {
                entry.put("ipAddrs", nic.ipAddresses());
            }
            network.add(entry);
            addresses.addAll(nic.ipAddresses());
        }
        status.put("network", network);
        status.put("vmRef", info.moref());
        status.put("cloneMode", "fullClone");
        if (!Obj.isBlank(info.host())) {
            try {
                status.put("host", sim.vms.hostName(info.host()));
            } catch (IOException e) {
                LOG.debug("Simulator: host name of {}: {}", info.host(), e.toString());
            }
        }
        if (addresses.isEmpty()) {
            status.remove("addresses");
            status.put("ready", false);
            notProvisioned(status, "WaitingForIPAddress", "Waiting for the VM's IP addresses", now);
            finish(vm, status, now);
            return RETRY;
        }
        if (seen == null || seen.info() != info) {
            running.put(vm.getMetadata().getUid(), new Seen(info, System.nanoTime()));
        }
        status.put("addresses", addresses);
        status.put("ready", true);
        Conditions.set(status, "VirtualMachineProvisioned", Conditions.TRUE, "Provisioned", "", now);
        finish(vm, status, now);

        // 4. the guest boots and joins its workload cluster
        return boot(vm, info, cluster, addresses);
    }

    private Duration provision(
            GenericKubernetesResource vm,
            List<Map<String, Object>> devices,
            Map<Integer, List<Allocated>> allocated,
            int total,
            int bound,
            Map<String, Object> status,
            Instant now) {
        String name = Obj.name(vm);
        for (Map<String, Object> device : devices) {
            if (!Obj.isTrue(device, "dhcp4")
                    && !Obj.isTrue(device, "dhcp6")
                    && Obj.list(device, "ipAddrs").isEmpty()
                    && Obj.list(device, "addressesFromPools").isEmpty()
                    && !Obj.isTrue(device, "skipIPAllocation")) {
                notProvisioned(status, "WaitingForStaticIPAllocation", "Waiting for static IP allocation", now);
                return null;
            }
        }
        if (bound < total) {
            notProvisioned(status, "WaitingForIPAllocation", "Waiting for IP address claims to be fulfilled", now);
            return null;
        }
        Secret bootstrap = sim.client
                .secrets()
                .inNamespace(Obj.namespace(vm))
                .withName(Obj.text(vm, "spec", "bootstrapRef", "name"))
                .get();
        if (bootstrap == null) {
            notProvisioned(status, "WaitingForBootstrapData", "Waiting for bootstrap data Secret", now);
            return RETRY;
        }
        Optional<String> fault = sim.faults.cloneError(name);
        if (fault.isPresent()) {
            notProvisioned(status, "TaskFailed", fault.get(), now);
            return RETRY;
        }
        Duration wait = sim.remaining(vm.getMetadata().getUid(), "clone", sim.delays.vm());
        if (!wait.isZero()) {
            notProvisioned(status, "WaitingForClone", "Cloning " + Obj.text(vm, "spec", "template"), now);
            return wait;
        }
        List<String> networks = new ArrayList<>();
        devices.forEach(d -> networks.add(Obj.text(d, "networkName")));
        Object cpus = Obj.at(vm, "spec", "numCPUs");
        Object memory = Obj.at(vm, "spec", "memoryMiB");
        VirtualMachines.CloneSpec spec = new VirtualMachines.CloneSpec(
                Obj.text(vm, "spec", "datacenter"),
                Obj.text(vm, "spec", "template"),
                name,
                Obj.text(vm, "spec", "folder"),
                Obj.text(vm, "spec", "datastore"),
                Obj.text(vm, "spec", "resourcePool"),
                networks,
                cpus instanceof Number n ? n.intValue() : 0,
                memory instanceof Number n ? n.intValue() : 0);
        try {
            VmInfo clone = sim.vms.cloneVm(spec);
            LOG.info("Simulator: cloned VM {} ({}) from {}", name, clone.biosUuid(), spec.template());
            // record the BIOS UUID at once: from now on this VSphereVM is bound to that VM
            GenericKubernetesResource fresh = sim.getLive(Kind.VSPHERE_VM, Obj.namespace(vm), name);
            Obj.spec(fresh).put("biosUUID", clone.biosUuid());
            sim.update(fresh);
            configureGuest(vm, clone, devices, allocated);
            sim.vms.powerOn(spec.datacenter(), clone.biosUuid());
        } catch (IOException e) {
            notProvisioned(status, "TaskFailed", e.getMessage(), now);
            return RETRY;
        }
        notProvisioned(status, "PoweringOn", "Powering on the VM", now);
        return null;
    }

    /** extraConfig (metadata, userdata) and the guest's static addresses, before the first power-on. */
    private void configureGuest(
            GenericKubernetesResource vm,
            VmInfo info,
            List<Map<String, Object>> devices,
            Map<Integer, List<Allocated>> allocated)
            throws IOException {
        String name = Obj.name(vm);
        List<GuestMetadata.Device> guestDevices = new ArrayList<>();
        List<VirtualMachines.GuestIp> guestIps = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            Map<String, Object> device = devices.get(d);
            List<String> cidrs = new ArrayList<>();
            Obj.list(device, "ipAddrs").forEach(a -> cidrs.add(String.valueOf(a)));
            String gateway4 = Obj.text(device, "gateway4");
            String gateway6 = Obj.text(device, "gateway6");
            for (Allocated address : allocated.getOrDefault(d, List.of())) {
                cidrs.add(address.address() + "/" + address.prefix());
                if (address.address().contains(":")) {
                    gateway6 = gateway6 == null ? address.gateway() : gateway6;
                } else {
                    gateway4 = gateway4 == null ? address.gateway() : gateway4;
                }
            }
            boolean dhcp4 = Obj.isTrue(device, "dhcp4");
            String mac = d < info.nics().size() ? info.nics().get(d).macAddress() : "";
            List<String> nameservers = new ArrayList<>();
            Obj.list(device, "nameservers").forEach(n -> nameservers.add(String.valueOf(n)));
            List<String> search = new ArrayList<>();
            Obj.list(device, "searchDomains").forEach(s -> search.add(String.valueOf(s)));
            guestDevices.add(new GuestMetadata.Device(
                    mac,
                    Obj.text(device, "deviceName"),
                    dhcp4,
                    Obj.isTrue(device, "dhcp6"),
                    cidrs,
                    gateway4,
                    gateway6,
                    nameservers,
                    search));
            // what the guest will report: the first IPv4 address, or a fake DHCP lease
            String ipv4 =
                    cidrs.stream().filter(c -> !c.contains(":")).findFirst().orElse(null);
            if (ipv4 != null) {
                String[] parts = ipv4.split("/");
                guestIps.add(new VirtualMachines.GuestIp(parts[0], netmask(Integer.parseInt(parts[1])), gateway4));
            } else if (dhcp4) {
                guestIps.add(new VirtualMachines.GuestIp(dhcpLease(name + "#" + d), "255.254.0.0", "198.18.0.1"));
            }
        }
        String metadata = GuestMetadata.render(name, guestDevices);
        Secret bootstrap = sim.client
                .secrets()
                .inNamespace(Obj.namespace(vm))
                .withName(Obj.text(vm, "spec", "bootstrapRef", "name"))
                .get();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("guestinfo.metadata", GuestMetadata.base64(metadata));
        extra.put("guestinfo.metadata.encoding", "base64");
        if (bootstrap != null
                && bootstrap.getData() != null
                && bootstrap.getData().get("value") != null) {
            extra.put("guestinfo.userdata", bootstrap.getData().get("value"));
            extra.put("guestinfo.userdata.encoding", "base64");
        }
        String datacenter = Obj.text(vm, "spec", "datacenter");
        sim.vms.setExtraConfig(datacenter, info.biosUuid(), extra);
        if (!guestIps.isEmpty()) {
            sim.vms.customize(datacenter, info.biosUuid(), name, guestIps);
        }
    }

    private Duration boot(
            GenericKubernetesResource vm, VmInfo info, GenericKubernetesResource cluster, List<Object> addresses) {
        String name = Obj.name(vm);
        if (sim.faults.isNeverReady(name)) {
            return null;
        }
        String namespace = Obj.namespace(vm);
        String clusterName = Obj.name(cluster);
        if (Guest.registered(sim.remote.node(namespace, clusterName, name))) {
            return null; // the cluster's Node watch has it: no read of the workload cluster on every reconcile
        }
        KubernetesClient workload =
                sim.workloads.workloadFor(namespace, clusterName).client();
        if (Guest.registered(Guest.node(workload, name))) {
            return null;
        }
        Duration wait = sim.remaining(vm.getMetadata().getUid(), "node", sim.delays.node());
        if (!wait.isZero()) {
            return wait;
        }
        Secret bootstrap = sim.client
                .secrets()
                .inNamespace(namespace)
                .withName(Obj.text(vm, "spec", "bootstrapRef", "name"))
                .get();
        String data = bootstrap == null
                        || bootstrap.getData() == null
                        || bootstrap.getData().get("value") == null
                ? ""
                : new String(Base64.getDecoder().decode(bootstrap.getData().get("value")), StandardCharsets.UTF_8);
        GenericKubernetesResource machine = null;
        OwnerReference owner = Obj.owner(vm, Kind.VSPHERE_MACHINE);
        GenericKubernetesResource vsphereMachine =
                owner == null ? null : sim.get(Kind.VSPHERE_MACHINE, namespace, owner.getName());
        OwnerReference machineOwner = vsphereMachine == null ? null : Obj.owner(vsphereMachine, Kind.MACHINE);
        if (machineOwner != null) {
            machine = sim.get(Kind.MACHINE, namespace, machineOwner.getName());
        }
        String version = machine == null ? null : Obj.text(machine, "spec", "version");
        if (version == null) {
            return RETRY;
        }
        List<String> ips = new ArrayList<>();
        addresses.forEach(a -> ips.add(String.valueOf(a)));
        String endpoint = Obj.text(cluster, "spec", "controlPlaneEndpoint", "host") + ":"
                + Obj.text(cluster, "spec", "controlPlaneEndpoint", "port");
        Guest.boot(
                workload,
                new Guest.Boot(
                        name,
                        VSphereMachineReconciler.PROVIDER_ID_PREFIX + info.biosUuid(),
                        info.biosUuid(),
                        version,
                        Obj.label(vm, Sim.CONTROL_PLANE_LABEL) != null,
                        KubeadmConfigReconciler.isInit(data),
                        ips,
                        namespace,
                        clusterName,
                        endpoint,
                        sim.workloads.kubeadmConfig(namespace, clusterName)),
                sim.now());
        LOG.info("Simulator: node {} joined workload cluster {}/{}", name, namespace, clusterName);
        sim.enqueueCluster(namespace, clusterName);
        return null;
    }

    private Duration reconcileDelete(GenericKubernetesResource vm) throws IOException {
        running.remove(vm.getMetadata().getUid());
        String namespace = Obj.namespace(vm);
        if (!Sim.deletedForMove(vm)) {
            String datacenter = Obj.text(vm, "spec", "datacenter");
            String biosUuid = Obj.text(vm, "spec", "biosUUID");
            if (!Obj.isBlank(biosUuid)) {
                sim.vms.destroy(datacenter, biosUuid);
                LOG.info("Simulator: destroyed VM {} ({})", Obj.name(vm), biosUuid);
            } else {
                Optional<VmInfo> byName = sim.vms.byName(datacenter, Obj.name(vm));
                if (byName.isPresent()) {
                    sim.vms.destroy(datacenter, byName.get().biosUuid());
                }
            }
            // release the claims: CAPV removes its finalizer (the claims go with their owner); no garbage
            // collector runs on a test API server, so they are deleted here as well
            List<Map<String, Object>> devices = Obj.maps(vm, "spec", "network", "devices");
            for (int d = 0; d < devices.size(); d++) {
                for (int p = 0;
                        p < Obj.maps(devices.get(d), "addressesFromPools").size();
                        p++) {
                    releaseClaim(namespace, Obj.name(vm) + "-" + d + "-" + p);
                }
            }
        }
        GenericKubernetesResource fresh = sim.get(Kind.VSPHERE_VM, namespace, Obj.name(vm));
        if (fresh != null && Obj.removeFinalizer(fresh, FINALIZER)) {
            sim.update(fresh);
        }
        dhcpLeases.keySet().removeIf(key -> key.startsWith(Obj.name(vm) + "#"));
        sim.forgetSteps(vm.getMetadata().getUid());
        return null;
    }

    private void releaseClaim(String namespace, String claimName) {
        GenericKubernetesResource claim = sim.get(Kind.IP_ADDRESS_CLAIM, namespace, claimName);
        if (claim == null) {
            return;
        }
        if (Obj.removeFinalizer(claim, CLAIM_FINALIZER)) {
            claim = sim.update(claim);
        }
        if (!Obj.deleting(claim)) {
            try {
                sim.client
                        .genericKubernetesResources(Kind.IP_ADDRESS_CLAIM.context)
                        .inNamespace(namespace)
                        .withName(claimName)
                        .delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    private void createClaim(
            GenericKubernetesResource vm, String name, Map<String, Object> poolRef, String clusterName) {
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion(Kind.IP_ADDRESS_CLAIM.apiVersion());
        claim.setKind(Kind.IP_ADDRESS_CLAIM.kind);
        claim.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(Obj.namespace(vm))
                .addToLabels(Sim.CLUSTER_NAME_LABEL, clusterName)
                .withFinalizers(CLAIM_FINALIZER)
                .withOwnerReferences(Obj.ownerRef(vm, false))
                .build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(
                "poolRef",
                Map.of(
                        "apiGroup",
                        Obj.text(poolRef, "apiGroup"),
                        "kind",
                        Obj.text(poolRef, "kind"),
                        "name",
                        Obj.text(poolRef, "name")));
        spec.put("clusterName", clusterName);
        claim.setAdditionalProperty("spec", spec);
        try {
            sim.create(claim);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** CAPV's createOrPatchIPAddressClaim on an existing claim: owner reference, finalizer, label. */
    private void ensureClaim(GenericKubernetesResource vm, GenericKubernetesResource claim, String clusterName) {
        if (Obj.deleting(claim)) {
            return;
        }
        boolean changed = Obj.ensureOwnerRef(claim, Obj.ownerRef(vm, false));
        changed |= Obj.addFinalizer(claim, CLAIM_FINALIZER);
        changed |= Obj.putLabel(claim, Sim.CLUSTER_NAME_LABEL, clusterName);
        if (changed) {
            sim.update(claim);
        }
    }

    private Allocated boundAddress(GenericKubernetesResource claim) {
        String addressName = Obj.text(claim, "status", "addressRef", "name");
        if (Obj.isBlank(addressName)) {
            return null;
        }
        GenericKubernetesResource address = sim.get(Kind.IP_ADDRESS, Obj.namespace(claim), addressName);
        if (address == null || Obj.isBlank(Obj.text(address, "spec", "address"))) {
            return null;
        }
        Object prefix = Obj.at(address, "spec", "prefix");
        return new Allocated(
                Obj.text(address, "spec", "address"),
                prefix instanceof Number n ? n.intValue() : 32,
                Obj.text(address, "spec", "gateway"));
    }

    private static void notProvisioned(Map<String, Object> status, String reason, String message, Instant now) {
        Conditions.set(status, "VirtualMachineProvisioned", Conditions.FALSE, reason, message, now);
        status.put("ready", false);
    }

    private void finish(GenericKubernetesResource vm, Map<String, Object> status, Instant now) {
        List<String> inputs = new ArrayList<>(List.of("VCenterAvailable", "VirtualMachineProvisioned"));
        if (Conditions.get(status, "IPAddressClaimsFulfilled") != null) {
            inputs.add("IPAddressClaimsFulfilled");
        }
        Conditions.summarize(status, "Ready", inputs, List.of(), "Ready", "NotReady", "ReadyUnknown", now);
        sim.writeStatus(vm, status);
    }

    /**
     * A fake DHCP lease from 198.18.0.0/15 (RFC 2544's benchmarking network, 131,070 hosts, so benchmarks can run
     * hundreds of clusters): stable per VM name, unique among this simulator's VMs, never the network, broadcast or
     * the lease's gateway (198.18.0.1).
     */
    private String dhcpLease(String key) {
        return dhcpLeases.computeIfAbsent(key, k -> {
            Set<String> taken = Set.copyOf(dhcpLeases.values());
            int hosts = DHCP_LAST_HOST - DHCP_FIRST_HOST + 1;
            int start = Math.floorMod(k.hashCode(), hosts);
            for (int i = 0; i < hosts; i++) {
                int host = DHCP_FIRST_HOST + Math.floorMod(start + i, hosts);
                String candidate = "198." + (18 + (host >> 16)) + "." + ((host >> 8) & 255) + "." + (host & 255);
                if (!taken.contains(candidate)) {
                    return candidate;
                }
            }
            throw new IllegalStateException("no fake DHCP address left in 198.18.0.0/15");
        });
    }

    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }
}
