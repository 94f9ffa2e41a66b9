package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Simulator: CAPV's VSphereMachine controller (controllers/vspheremachine_controller.go, pkg/services/vimmachine.go):
 * waits for its owner Machine, the Cluster's {@code infrastructureProvisioned} and the Machine's bootstrap data
 * (workers also for {@code ControlPlaneInitialized}), then create-or-patches a VSphereVM named after the Machine
 * (owner reference, cluster-name and control-plane labels, {@code bootstrapRef}, the clone spec) and mirrors it:
 * {@code spec.providerID = vsphere://<biosUUID>}, {@code status.addresses} (each VM IP as ExternalIP plus the VM name
 * as InternalDNS), {@code status.network}, {@code status.initialization.provisioned} and the conditions
 * VirtualMachineProvisioned and Ready.
 */
final class VSphereMachineReconciler implements Runtime.Reconciler {

    static final String FINALIZER = "vspheremachine.infrastructure.cluster.x-k8s.io";
    static final String PROVIDER_ID_PREFIX = "vsphere://";

    private final Sim sim;

    VSphereMachineReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) {
        GenericKubernetesResource vsphereMachine = sim.get(Kind.VSPHERE_MACHINE, key.namespace(), key.name());
        if (vsphereMachine == null) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(vsphereMachine);
        OwnerReference owner = Obj.owner(vsphereMachine, Kind.MACHINE);
        GenericKubernetesResource machine =
                owner == null ? null : sim.get(Kind.MACHINE, key.namespace(), owner.getName());
        String clusterName = machine != null
                ? Obj.text(machine, "spec", "clusterName")
                : Obj.label(vsphereMachine, Sim.CLUSTER_NAME_LABEL);
        GenericKubernetesResource cluster = clusterName == null ? null : sim.cluster(key.namespace(), clusterName);
        if (Sim.paused(cluster, vsphereMachine)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(vsphereMachine, status);
            return null;
        }
        String vmName = machine != null ? Obj.name(machine) : key.name();
        if (Obj.deleting(vsphereMachine)) {
            if (!Sim.deletedForMove(vsphereMachine)
                    && !sim.deleteAndCheckGone(Kind.VSPHERE_VM, key.namespace(), vmName)) {
                Conditions.set(
                        status,
                        "VirtualMachineProvisioned",
                        Conditions.FALSE,
                        "Deleting",
                        "VSphereVM " + vmName + " is being deleted",
                        now);
                sim.writeStatus(vsphereMachine, status);
                return Duration.ofSeconds(2);
            }
            if (Obj.removeFinalizer(vsphereMachine, FINALIZER)) {
                sim.update(vsphereMachine);
            }
            return null;
        }
        if (machine == null || cluster == null) {
            return null; // "Waiting for Machine Controller to set OwnerRef on VSphereMachine"
        }
        if (Obj.addFinalizer(vsphereMachine, FINALIZER)) {
            sim.update(vsphereMachine);
            return null;
        }
        Sim.pausedCondition(status, false, now);
        String waiting = null;
        String reason = null;
        if (!Obj.isTrue(cluster, "status", "initialization", "infrastructureProvisioned")) {
            reason = "WaitingForClusterInfrastructureReady";
            waiting = "Waiting for Cluster status.initialization.infrastructureProvisioned";
        } else if (Obj.isBlank(Obj.text(machine, "spec", "bootstrap", "dataSecretName"))) {
            reason = "WaitingForBootstrapData";
            waiting = "Waiting for bootstrap data to be available";
        } else if (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) == null
                && !Conditions.isTrue(cluster, "ControlPlaneInitialized")) {
            reason = "WaitingForControlPlaneInitialized";
            waiting = "Waiting for Cluster control plane to be initialized";
        }
        GenericKubernetesResource vm = sim.get(Kind.VSPHERE_VM, key.namespace(), vmName);
        if (waiting != null && vm == null) {
            Conditions.set(status, "VirtualMachineProvisioned", Conditions.FALSE, reason, waiting, now);
            summarize(status, now);
            sim.writeStatus(vsphereMachine, status);
            return null;
        }
        vm = createOrPatchVm(vsphereMachine, machine, cluster, vm, vmName);

        String biosUuid = Obj.text(vm, "spec", "biosUUID");
        if (!Obj.isBlank(biosUuid)
                && !Objects.equals(Obj.text(vsphereMachine, "spec", "providerID"), PROVIDER_ID_PREFIX + biosUuid)) {
            Obj.spec(vsphereMachine).put("providerID", PROVIDER_ID_PREFIX + biosUuid);
            sim.update(vsphereMachine);
            return null;
        }
        List<Object> addresses = new ArrayList<>();
        for (Object address : Obj.list(vm, "status", "addresses")) {
            addresses.add(Map.of("type", "ExternalIP", "address", String.valueOf(address)));
        }
        if (!addresses.isEmpty()) {
            addresses.add(Map.of("type", "InternalDNS", "address", vmName));
            status.put("addresses", addresses);
        }
        if (!Obj.list(vm, "status", "network").isEmpty()) {
            status.put("network", Obj.list(vm, "status", "network"));
        }
        boolean provisioned = Obj.isTrue(vm, "status", "ready") && !Obj.isBlank(biosUuid) && !addresses.isEmpty();
        if (provisioned) {
            Obj.child(status, "initialization").put("provisioned", true);
            Conditions.set(status, "VirtualMachineProvisioned", Conditions.TRUE, "Provisioned", "", now);
        } else if (Obj.isBlank(biosUuid) && Conditions.get(vm, "VirtualMachineProvisioned") == null) {
            Conditions.set(
                    status,
                    "VirtualMachineProvisioned",
                    Conditions.FALSE,
                    "WaitingForBIOSUUID",
                    "Waiting for the VM's BIOS UUID",
                    now);
        } else {
            Conditions.mirror(
                    status,
                    "VirtualMachineProvisioned",
                    vm,
                    "VirtualMachineProvisioned",
                    Conditions.FALSE,
                    "Provisioning",
                    "Waiting for VSphereVM " + vmName + " to be provisioned",
                    now);
        }
        summarize(status, now);
        sim.writeStatus(vsphereMachine, status);
        return null;
    }

    private static void summarize(Map<String, Object> status, Instant now) {
        Conditions.summarize(
                status,
                "Ready",
                List.of("VirtualMachineProvisioned"),
                List.of(),
                "Ready",
                "NotReady",
                "ReadyUnknown",
                now);
    }

    /** createOrPatchVSphereVM: the clone spec copied from the VSphereMachine, server and thumbprint from the cluster. */
    private GenericKubernetesResource createOrPatchVm(
            GenericKubernetesResource vsphereMachine,
            GenericKubernetesResource machine,
            GenericKubernetesResource cluster,
            GenericKubernetesResource existing,
            String vmName) {
        Map<String, Object> spec = Obj.deepCopy(Obj.map(vsphereMachine, "spec"));
        for (String notCloneSpec : List.of("providerID", "failureDomain", "naming")) {
            spec.remove(notCloneSpec);
        }
        spec.put("bootstrapRef", Map.of("name", Obj.text(machine, "spec", "bootstrap", "dataSecretName")));
        GenericKubernetesResource vsphereCluster = null;
        Map<String, Object> infraRef = Obj.map(cluster, "spec", "infrastructureRef");
        if (Kind.of(Obj.text(infraRef, "apiGroup"), Obj.text(infraRef, "kind")) == Kind.VSPHERE_CLUSTER) {
            vsphereCluster = sim.get(Kind.VSPHERE_CLUSTER, Obj.namespace(cluster), Obj.text(infraRef, "name"));
        }
        for (String field : List.of("server", "thumbprint")) {
            if (Obj.isBlank(Obj.text(spec, field))
                    && vsphereCluster != null
                    && !Obj.isBlank(Obj.text(vsphereCluster, "spec", field))) {
                spec.put(field, Obj.text(vsphereCluster, "spec", field));
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Sim.CLUSTER_NAME_LABEL, Obj.name(cluster));
        if (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) != null) {
            labels.put(Sim.CONTROL_PLANE_LABEL, Obj.label(machine, Sim.CONTROL_PLANE_LABEL));
        }
        if (existing == null) {
            GenericKubernetesResource vm = new GenericKubernetesResource();
            vm.setApiVersion(Kind.VSPHERE_VM.apiVersion());
            vm.setKind(Kind.VSPHERE_VM.kind);
            vm.setMetadata(new ObjectMetaBuilder()
                    .withName(vmName)
                    .withNamespace(Obj.namespace(vsphereMachine))
                    .withLabels(labels)
                    .withOwnerReferences(Obj.ownerRef(vsphereMachine, false))
                    .build());
            vm.setAdditionalProperty("spec", spec);
            return sim.create(vm);
        }
        if (Obj.deleting(existing)) {
            return existing;
        }
        boolean changed = Obj.ensureOwnerRef(existing, Obj.ownerRef(vsphereMachine, false));
        for (Map.Entry<String, String> label : labels.entrySet()) {
            changed |= Obj.putLabel(existing, label.getKey(), label.getValue());
        }
        Map<String, Object> current = Obj.spec(existing);
        String biosUuid = Obj.text(current, "biosUUID");
        if (biosUuid != null) {
            spec.put("biosUUID", biosUuid);
        }
        for (Map.Entry<String, Object> field : spec.entrySet()) {
            if (!Obj.sameJson(current.get(field.getKey()), field.getValue())) {
                current.put(field.getKey(), field.getValue());
                changed = true;
            }
        }
        return changed ? sim.update(existing) : existing;
    }
}
