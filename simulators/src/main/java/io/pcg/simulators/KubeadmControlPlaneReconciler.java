package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.testkit.kube.KubeApiServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: KCP (controlplane/kubeadm/internal/controllers): the kubeconfig Secret, then Machines with their
 * KubeadmConfig and VSphereMachine (cloned from the VSphereMachineTemplate) <b>one at a time</b>: the first (kubeadm
 * init) once the Cluster's infrastructure is provisioned, each further one (join) only when the preflight checks
 * pass: no Machine being deleted, and every Machine has a nodeRef and the conditions APIServerPodHealthy,
 * ControllerManagerPodHealthy, SchedulerPodHealthy, EtcdPodHealthy and EtcdMemberHealthy True (which this
 * reconciler computes from the static pods in the workload cluster, as KCP does). Status: replicas, readyReplicas,
 * availableReplicas, upToDateReplicas, {@code initialization.controlPlaneInitialized} once the workload cluster has
 * {@code kube-system/kubeadm-config}, and the v1beta2 conditions.
 */
final class KubeadmControlPlaneReconciler implements Runtime.Reconciler {

    static final String FINALIZER = "kubeadm.controlplane.cluster.x-k8s.io";
    static final String KCP_CLEANUP_HOOK = MachineReconciler.PRE_TERMINATE_HOOK_PREFIX + "/kcp-cleanup";
    static final List<String> POD_CONDITIONS =
            List.of("APIServerPodHealthy", "ControllerManagerPodHealthy", "SchedulerPodHealthy", "EtcdPodHealthy");
    static final List<String> HEALTH_CONDITIONS = List.of(
            "APIServerPodHealthy",
            "ControllerManagerPodHealthy",
            "SchedulerPodHealthy",
            "EtcdPodHealthy",
            "EtcdMemberHealthy");
    private static final Map<String, String> COMPONENT_OF = Map.of(
            "APIServerPodHealthy",
            "kube-apiserver",
            "ControllerManagerPodHealthy",
            "kube-controller-manager",
            "SchedulerPodHealthy",
            "kube-scheduler",
            "EtcdPodHealthy",
            "etcd");
    private static final List<String> READINESS_GATES = List.of(
            "NodeKubeadmLabelsAndTaintsSet",
            "APIServerPodHealthy",
            "ControllerManagerPodHealthy",
            "SchedulerPodHealthy",
            "EtcdPodHealthy",
            "EtcdMemberHealthy");
    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final Logger LOG = LoggerFactory.getLogger(KubeadmControlPlaneReconciler.class);
    private static final Duration WAIT = Duration.ofSeconds(2);

    private final Sim sim;
    private final SecureRandom random = new SecureRandom();

    KubeadmControlPlaneReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) {
        GenericKubernetesResource kcp = sim.get(Kind.KUBEADM_CONTROL_PLANE, key.namespace(), key.name());
        if (kcp == null) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(kcp);
        OwnerReference owner = Obj.owner(kcp, Kind.CLUSTER);
        GenericKubernetesResource cluster = owner == null ? null : sim.cluster(key.namespace(), owner.getName());
        if (Sim.paused(cluster, kcp)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(kcp, status);
            return null;
        }
        if (Obj.deleting(kcp)) {
            return reconcileDelete(kcp, cluster, status, now);
        }
        if (cluster == null) {
            return null; // "Waiting for Cluster Controller to set OwnerRef on KubeadmControlPlane"
        }
        if (Obj.addFinalizer(kcp, FINALIZER)) {
            sim.update(kcp);
            return null;
        }
        adoptInfrastructureTemplate(kcp, cluster);
        String clusterName = Obj.name(cluster);
        Sim.pausedCondition(status, false, now);
        Conditions.set(status, "CertificatesAvailable", Conditions.TRUE, "Available", "", now);
        Conditions.set(status, "Deleting", Conditions.FALSE, "NotDeleting", "", now);
        Conditions.set(status, "Remediating", Conditions.FALSE, "NotRemediating", "", now);
        int desired = Obj.at(kcp, "spec", "replicas") instanceof Number n ? n.intValue() : 1;
        status.put("selector", Sim.CLUSTER_NAME_LABEL + "=" + clusterName + "," + Sim.CONTROL_PLANE_LABEL);

        List<GenericKubernetesResource> machines = machines(kcp, clusterName);
        KubernetesClient workload = sim.remote.get(key.namespace(), clusterName);
        removePreTerminateHooks(machines, workload);

        if (!Obj.isTrue(cluster, "status", "initialization", "infrastructureProvisioned")
                || Obj.isBlank(Obj.text(cluster, "spec", "controlPlaneEndpoint", "host"))) {
            Conditions.set(
                    status,
                    "Initialized",
                    Conditions.FALSE,
                    "NotInitialized",
                    "Control plane not yet initialized",
                    now);
            Conditions.set(
                    status, "Available", Conditions.FALSE, "NotAvailable", "* Control plane not yet initialized", now);
            counters(status, machines, kcp);
            sim.writeStatus(kcp, status);
            return null; // "Cluster infrastructure is not ready yet"
        }
        if (workload == null) {
            writeKubeconfig(kcp, cluster);
            return Duration.ofMillis(50);
        }

        boolean initialized = Obj.isTrue(status, "initialization", "controlPlaneInitialized")
                || kubeadmConfigExists(workload, sim.workloads.kubeadmConfig(key.namespace(), clusterName));
        if (initialized) {
            Obj.child(status, "initialization").put("controlPlaneInitialized", true);
        }
        List<GenericKubernetesResource> current = new ArrayList<>();
        for (GenericKubernetesResource machine : machines) {
            current.add(Obj.deleting(machine) ? machine : updateMachineConditions(machine, kcp, clusterName, now));
        }
        machines = current;

        // scale, one Machine per reconcile, behind the preflight checks
        List<GenericKubernetesResource> active =
                machines.stream().filter(m -> !Obj.deleting(m)).toList();
        List<String> preflight = preflight(machines);
        String scalingUpMessage = null;
        String scalingDownMessage = null;
        String rollingOutMessage = null;
        List<GenericKubernetesResource> outdated =
                active.stream().filter(m -> !Conditions.isTrue(m, "UpToDate")).toList();
        if (active.size() >= desired && !outdated.isEmpty()) {
            // upgradeControlPlane with the default rollout (maxSurge 1): one new Machine, then one outdated one goes,
            // each step behind the preflight checks, so one Machine is provisioning at a time.
            rollingOutMessage = "Rolling out " + outdated.size() + " not up-to-date replicas";
            if (!preflight.isEmpty()) {
                rollingOutMessage += " is blocked because:\n" + String.join("\n", preflight);
            } else if (active.size() == desired) {
                scalingUpMessage = "Scaling up from " + active.size() + " to " + (desired + 1) + " replicas";
                createMachine(kcp, cluster, true);
            } else {
                scalingDownMessage = "Scaling down from " + active.size() + " to " + desired + " replicas";
                sim.deleteAndCheckGone(Kind.MACHINE, key.namespace(), Obj.name(outdated.get(0)));
            }
        } else if (active.size() < desired) {
            scalingUpMessage = "Scaling up from " + active.size() + " to " + desired + " replicas";
            if (active.isEmpty() && machines.isEmpty()) {
                createMachine(kcp, cluster, false);
            } else if (preflight.isEmpty()) {
                createMachine(kcp, cluster, true);
            } else {
                scalingUpMessage += " is blocked because:\n" + String.join("\n", preflight);
            }
        } else if (active.size() > desired) {
            scalingDownMessage = "Scaling down from " + active.size() + " to " + desired + " replicas";
            if (preflight.isEmpty()) {
                GenericKubernetesResource oldest = active.stream()
                        .min(Comparator.comparing(m -> m.getMetadata().getCreationTimestamp()))
                        .orElseThrow();
                sim.deleteAndCheckGone(Kind.MACHINE, key.namespace(), Obj.name(oldest));
            } else {
                scalingDownMessage += " is blocked because:\n" + String.join("\n", preflight);
            }
        }
        Conditions.set(
                status,
                "RollingOut",
                rollingOutMessage != null,
                rollingOutMessage != null ? "RollingOut" : "NotRollingOut",
                rollingOutMessage,
                now);
        Conditions.set(
                status,
                "ScalingUp",
                scalingUpMessage != null,
                scalingUpMessage != null ? "ScalingUp" : "NotScalingUp",
                scalingUpMessage,
                now);
        Conditions.set(
                status,
                "ScalingDown",
                scalingDownMessage != null,
                scalingDownMessage != null ? "ScalingDown" : "NotScalingDown",
                scalingDownMessage,
                now);

        Conditions.set(
                status,
                "Initialized",
                initialized,
                initialized ? "Initialized" : "NotInitialized",
                initialized ? "" : "Control plane not yet initialized",
                now);
        healthConditions(status, active, initialized, now);
        counters(status, machines, kcp);
        status.put("observedGeneration", kcp.getMetadata().getGeneration());
        sim.writeStatus(kcp, status);
        // No poll while the preflight checks hold a step back: what they wait for (a Machine's nodeRef or deletion,
        // a static pod in the workload cluster) is a watched change that reconciles this object again.
        return null;
    }

    private List<GenericKubernetesResource> machines(GenericKubernetesResource kcp, String clusterName) {
        List<GenericKubernetesResource> owned = new ArrayList<>();
        for (GenericKubernetesResource machine : sim.list(
                Kind.MACHINE,
                Obj.namespace(kcp),
                Map.of(Sim.CLUSTER_NAME_LABEL, clusterName, Sim.CONTROL_PLANE_NAME_LABEL, Obj.name(kcp)))) {
            OwnerReference owner = Obj.owner(machine, Kind.KUBEADM_CONTROL_PLANE);
            if (owner != null && owner.getName().equals(Obj.name(kcp))) {
                owned.add(machine);
            }
        }
        owned.sort(Comparator.comparing(m -> m.getMetadata().getCreationTimestamp()));
        return owned;
    }

    /** KCP's preflight checks on scale up/down (checkHealthiness plus "no Machine being deleted"). */
    private static List<String> preflight(List<GenericKubernetesResource> machines) {
        List<String> problems = new ArrayList<>();
        for (GenericKubernetesResource machine : machines) {
            String name = Obj.name(machine);
            if (Obj.deleting(machine)) {
                problems.add("* Machine " + name + " is being deleted");
                continue;
            }
            if (Obj.at(machine, "status", "nodeRef") == null) {
                problems.add("* Machine " + name
                        + " does not have a corresponding Node yet (Machine.status.nodeRef not set)");
                continue;
            }
            List<String> unhealthy = new ArrayList<>();
            for (String condition : HEALTH_CONDITIONS) {
                if (!Conditions.isTrue(machine, condition)) {
                    unhealthy.add(condition);
                }
            }
            if (!unhealthy.isEmpty()) {
                problems.add("* Machine " + name + " reports " + String.join(", ", unhealthy) + " not True");
            }
        }
        return problems;
    }

    /**
     * KCP makes the Cluster an owner of the infrastructure machine template it references (its
     * reconcileExternalReference): that owner chain is how {@code clusterctl move} finds the template, which the
     * target needs for every Machine it adds after the move.
     */
    private void adoptInfrastructureTemplate(GenericKubernetesResource kcp, GenericKubernetesResource cluster) {
        String name = Obj.text(Obj.map(kcp, "spec", "machineTemplate", "spec", "infrastructureRef"), "name");
        GenericKubernetesResource template =
                name == null ? null : sim.get(Kind.VSPHERE_MACHINE_TEMPLATE, Obj.namespace(kcp), name);
        if (template != null && Obj.owner(template, Kind.CLUSTER) == null) {
            GenericKubernetesResource adopted = Obj.copy(template);
            List<OwnerReference> owners = new ArrayList<>(
                    adopted.getMetadata().getOwnerReferences() == null
                            ? List.of()
                            : adopted.getMetadata().getOwnerReferences());
            owners.add(Obj.ownerRef(cluster, false));
            adopted.getMetadata().setOwnerReferences(owners);
            sim.update(adopted);
        }
    }

    /** The per-Machine conditions KCP owns, computed from the workload cluster's static pods. */
    private GenericKubernetesResource updateMachineConditions(
            GenericKubernetesResource machine, GenericKubernetesResource kcp, String clusterName, Instant now) {
        Map<String, Object> status = Obj.statusCopy(machine);
        String namespace = Obj.namespace(machine);
        String nodeName = Obj.text(machine, "status", "nodeRef", "name");
        Node node = nodeName == null ? null : sim.remote.node(namespace, clusterName, nodeName);
        if (nodeName == null || node == null) {
            String message = nodeName == null
                    ? "Waiting for a Node with spec.providerID to exist"
                    : "Node " + nodeName + " does not exist";
            for (String condition : READINESS_GATES) {
                Conditions.set(status, condition, Conditions.UNKNOWN, "InspectionFailed", message, now);
            }
        } else {
            Conditions.set(status, "NodeKubeadmLabelsAndTaintsSet", Conditions.TRUE, "Set", "", now);
            boolean etcdReady = false;
            for (String condition : POD_CONDITIONS) {
                String podName = COMPONENT_OF.get(condition) + "-" + nodeName;
                Pod pod = sim.remote.systemPod(namespace, clusterName, podName);
                if (pod == null) {
                    Conditions.set(
                            status,
                            condition,
                            Conditions.FALSE,
                            "DoesNotExist",
                            "Pod " + podName + " does not exist",
                            now);
                } else if (Guest.podReady(pod)) {
                    Conditions.set(status, condition, Conditions.TRUE, "Running", "", now);
                    etcdReady |= condition.equals("EtcdPodHealthy");
                } else {
                    Conditions.set(
                            status,
                            condition,
                            Conditions.FALSE,
                            "Provisioning",
                            "Pod " + podName + " is provisioning",
                            now);
                }
            }
            Conditions.set(
                    status,
                    "EtcdMemberHealthy",
                    etcdReady,
                    etcdReady ? "Healthy" : "NotHealthy",
                    etcdReady ? "" : "Etcd member " + nodeName + " is not healthy",
                    now);
        }
        List<String> outdated = new ArrayList<>();
        if (!Obj.text(kcp, "spec", "version").equals(Obj.text(machine, "spec", "version"))) {
            outdated.add("* Version " + Obj.text(machine, "spec", "version") + ", " + Obj.text(kcp, "spec", "version")
                    + " required");
        }
        // KCP compares the infrastructure machine's cloned-from annotation with the template it references now.
        String template = Obj.text(Obj.map(kcp, "spec", "machineTemplate", "spec", "infrastructureRef"), "name");
        GenericKubernetesResource infraMachine = sim.get(
                Kind.VSPHERE_MACHINE, Obj.namespace(machine), Obj.text(machine, "spec", "infrastructureRef", "name"));
        String clonedFrom =
                infraMachine == null ? null : Obj.annotation(infraMachine, "cluster.x-k8s.io/cloned-from-name");
        if (clonedFrom != null && !clonedFrom.equals(template)) {
            outdated.add(
                    "* VSphereMachine is not up-to-date (cloned from " + clonedFrom + ", " + template + " required)");
        }
        boolean upToDate = outdated.isEmpty();
        Conditions.set(
                status, "UpToDate", upToDate, upToDate ? "UpToDate" : "NotUpToDate", String.join("\n", outdated), now);
        if (sim.writeStatus(machine, status)) {
            GenericKubernetesResource copy = Obj.copy(machine);
            copy.setAdditionalProperty("status", status);
            return copy;
        }
        return machine;
    }

    private static void healthConditions(
            Map<String, Object> status, List<GenericKubernetesResource> machines, boolean initialized, Instant now) {
        int members = 0;
        int healthyMembers = 0;
        boolean oneFullyHealthy = false;
        List<String> componentProblems = new ArrayList<>();
        for (GenericKubernetesResource machine : machines) {
            if (Obj.at(machine, "status", "nodeRef") == null) {
                continue;
            }
            members++;
            if (Conditions.isTrue(machine, "EtcdMemberHealthy")) {
                healthyMembers++;
            }
            boolean all = true;
            for (String condition : HEALTH_CONDITIONS) {
                if (!Conditions.isTrue(machine, condition)) {
                    all = false;
                    if (POD_CONDITIONS.contains(condition)) {
                        componentProblems.add("* Machine " + Obj.name(machine) + ": " + condition + " not True");
                    }
                }
            }
            oneFullyHealthy |= all;
        }
        if (members == 0) {
            Conditions.set(
                    status,
                    "EtcdClusterHealthy",
                    Conditions.UNKNOWN,
                    "HealthUnknown",
                    "No Machines with a Node yet",
                    now);
            Conditions.set(
                    status,
                    "ControlPlaneComponentsHealthy",
                    Conditions.UNKNOWN,
                    "HealthUnknown",
                    "No Machines with a Node yet",
                    now);
        } else {
            boolean etcdHealthy = healthyMembers == members;
            Conditions.set(
                    status,
                    "EtcdClusterHealthy",
                    etcdHealthy,
                    etcdHealthy ? "Healthy" : "NotHealthy",
                    etcdHealthy ? "" : (members - healthyMembers) + " of " + members + " etcd members are not healthy",
                    now);
            Conditions.set(
                    status,
                    "ControlPlaneComponentsHealthy",
                    componentProblems.isEmpty(),
                    componentProblems.isEmpty() ? "Healthy" : "NotHealthy",
                    String.join("\n", componentProblems),
                    now);
        }
        boolean quorum = members > 0 && healthyMembers > members / 2;
        boolean available = initialized && quorum && oneFullyHealthy;
        String why = !initialized
                ? "* Control plane not yet initialized"
                : !quorum
                        ? "* etcd has no quorum (" + healthyMembers + " of " + members + " members healthy)"
                        : !oneFullyHealthy ? "* No Machine with healthy control plane components and etcd member" : "";
        Conditions.set(status, "Available", available, available ? "Available" : "NotAvailable", why, now);
        aggregate(status, "MachinesReady", machines, "Ready", now);
        aggregate(status, "MachinesUpToDate", machines, "UpToDate", now);
    }

    private static void aggregate(
            Map<String, Object> status,
            String type,
            List<GenericKubernetesResource> machines,
            String condition,
            Instant now) {
        if (machines.isEmpty()) {
            Conditions.set(status, type, Conditions.TRUE, "NoReplicas", "", now);
            return;
        }
        List<String> notTrue = machines.stream()
                .filter(m -> !Conditions.isTrue(m, condition))
                .map(Obj::name)
                .toList();
        Conditions.set(
                status,
                type,
                notTrue.isEmpty(),
                notTrue.isEmpty() ? condition : "Not" + condition,
                notTrue.isEmpty() ? "" : "* Machines " + String.join(", ", notTrue) + ": " + condition + " is not True",
                now);
    }

    private static void counters(
            Map<String, Object> status, List<GenericKubernetesResource> machines, GenericKubernetesResource kcp) {
        status.put("replicas", machines.size());
        status.put("readyReplicas", (int)
                machines.stream().filter(m -> Conditions.isTrue(m, "Ready")).count());
        status.put("availableReplicas", (int)
                machines.stream().filter(m -> Conditions.isTrue(m, "Available")).count());
        status.put("upToDateReplicas", (int)
                machines.stream().filter(m -> Conditions.isTrue(m, "UpToDate")).count());
        if (!machines.isEmpty()) {
            status.put("version", Obj.text(kcp, "spec", "version"));
        }
    }

    /** KCP creates {@code <cluster>-kubeconfig} (owned by the KCP) as soon as the endpoint is known. */
    private void writeKubeconfig(GenericKubernetesResource kcp, GenericKubernetesResource cluster) {
        String clusterName = Obj.name(cluster);
        KubeApiServer server = sim.workloads.workloadFor(Obj.namespace(kcp), clusterName);
        String kubeconfig = RemoteClusters.capiKubeconfig(server.kubeconfig(), clusterName);
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName(clusterName + "-kubeconfig")
                .withNamespace(Obj.namespace(kcp))
                .addToLabels(Sim.CLUSTER_NAME_LABEL, clusterName)
                .withOwnerReferences(Obj.ownerRef(kcp, true))
                .endMetadata()
                .withType(KubeadmConfigReconciler.SECRET_TYPE)
                .addToData("value", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))
                .build();
        try {
            sim.client
                    .secrets()
                    .inNamespace(Obj.namespace(kcp))
                    .resource(secret)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static boolean kubeadmConfigExists(KubernetesClient workload, String name) {
        try {
            return Guest.kubeadmConfigExists(workload, name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** KCP's desired-state functions: InfraMachine from the template, KubeadmConfig, then the Machine. */
    private void createMachine(GenericKubernetesResource kcp, GenericKubernetesResource cluster, boolean join) {
        String namespace = Obj.namespace(kcp);
        String clusterName = Obj.name(cluster);
        String name = Obj.name(kcp) + "-" + randomSuffix();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Object> templateMeta = Obj.map(kcp, "spec", "machineTemplate", "metadata");
        Obj.map(templateMeta, "labels").forEach((k, v) -> labels.put(k, String.valueOf(v)));
        labels.put(Sim.CLUSTER_NAME_LABEL, clusterName);
        labels.put(Sim.CONTROL_PLANE_LABEL, "");
        labels.put(Sim.CONTROL_PLANE_NAME_LABEL, Obj.name(kcp));
        Map<String, String> annotations = new LinkedHashMap<>();
        Obj.map(templateMeta, "annotations").forEach((k, v) -> annotations.put(k, String.valueOf(v)));
        OwnerReference kcpOwner = Obj.ownerRef(kcp, false);

        Map<String, Object> infraRef = Obj.map(kcp, "spec", "machineTemplate", "spec", "infrastructureRef");
        GenericKubernetesResource template =
                sim.get(Kind.VSPHERE_MACHINE_TEMPLATE, namespace, Obj.text(infraRef, "name"));
        if (template == null) {
            throw new IllegalStateException(
                    "VSphereMachineTemplate " + namespace + "/" + Obj.text(infraRef, "name") + " not found");
        }
        GenericKubernetesResource infraMachine = new GenericKubernetesResource();
        infraMachine.setApiVersion(Kind.VSPHERE_MACHINE.apiVersion());
        infraMachine.setKind(Kind.VSPHERE_MACHINE.kind);
        Map<String, String> infraAnnotations = new LinkedHashMap<>(annotations);
        infraAnnotations.put("cluster.x-k8s.io/cloned-from-name", Obj.name(template));
        infraAnnotations.put(
                "cluster.x-k8s.io/cloned-from-groupkind", "VSphereMachineTemplate.infrastructure.cluster.x-k8s.io");
        infraMachine.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(infraAnnotations)
                .withOwnerReferences(kcpOwner)
                .build());
        infraMachine.setAdditionalProperty("spec", Obj.deepCopy(Obj.map(template, "spec", "template", "spec")));
        sim.create(infraMachine);

        GenericKubernetesResource config = new GenericKubernetesResource();
        config.setApiVersion(Kind.KUBEADM_CONFIG.apiVersion());
        config.setKind(Kind.KUBEADM_CONFIG.kind);
        config.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(kcpOwner)
                .build());
        Map<String, Object> configSpec = Obj.deepCopy(Obj.map(kcp, "spec", "kubeadmConfigSpec"));
        if (join) {
            configSpec.remove("initConfiguration");
            Map<String, Object> joinConfiguration = Obj.child(configSpec, "joinConfiguration");
            joinConfiguration.putIfAbsent("controlPlane", new LinkedHashMap<>());
        } else {
            configSpec.remove("joinConfiguration");
        }
        config.setAdditionalProperty("spec", configSpec);
        try {
            sim.create(config);
        } catch (RuntimeException e) {
            sim.deleteAndCheckGone(Kind.VSPHERE_MACHINE, namespace, name);
            throw e;
        }

        GenericKubernetesResource machine = new GenericKubernetesResource();
        machine.setApiVersion(Kind.MACHINE.apiVersion());
        machine.setKind(Kind.MACHINE.kind);
        Map<String, String> machineAnnotations = new LinkedHashMap<>(annotations);
        machineAnnotations.put(KCP_CLEANUP_HOOK, "");
        machine.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(machineAnnotations)
                .withOwnerReferences(Obj.ownerRef(kcp, true))
                .build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("clusterName", clusterName);
        spec.put("version", Obj.text(kcp, "spec", "version"));
        spec.put(
                "bootstrap",
                Map.of(
                        "configRef",
                        Map.of("apiGroup", Kind.KUBEADM_CONFIG.group, "kind", Kind.KUBEADM_CONFIG.kind, "name", name)));
        spec.put(
                "infrastructureRef",
                Map.of("apiGroup", Kind.VSPHERE_MACHINE.group, "kind", Kind.VSPHERE_MACHINE.kind, "name", name));
        List<Object> gates = new ArrayList<>();
        READINESS_GATES.forEach(gate -> gates.add(Map.of("conditionType", gate)));
        spec.put("readinessGates", gates);
        machine.setAdditionalProperty("spec", spec);
        try {
            sim.create(machine);
        } catch (RuntimeException e) {
            sim.deleteAndCheckGone(Kind.VSPHERE_MACHINE, namespace, name);
            sim.deleteAndCheckGone(Kind.KUBEADM_CONFIG, namespace, name);
            throw e;
        }
        LOG.info(
                "Simulator: KubeadmControlPlane {}/{} created Machine {} ({})",
                namespace,
                Obj.name(kcp),
                name,
                join ? "join" : "init");
    }

    /** KCP's pre-terminate hook: remove the etcd member of a deleting Machine, then let the Machine go on. */
    private void removePreTerminateHooks(List<GenericKubernetesResource> machines, KubernetesClient workload) {
        for (GenericKubernetesResource machine : machines) {
            if (!Obj.deleting(machine)
                    || !Obj.hasAnnotation(machine, KCP_CLEANUP_HOOK)
                    || Sim.deletedForMove(machine)) {
                continue;
            }
            String nodeName = Obj.text(machine, "status", "nodeRef", "name");
            if (workload != null && nodeName != null) {
                try {
                    Guest.removeEtcdMember(workload, nodeName);
                } catch (RuntimeException e) {
                    LOG.debug("Simulator: cannot remove etcd member {}: {}", nodeName, e.toString());
                }
            }
            machine.getMetadata().getAnnotations().remove(KCP_CLEANUP_HOOK);
            sim.update(machine);
        }
    }

    private Duration reconcileDelete(
            GenericKubernetesResource kcp, GenericKubernetesResource cluster, Map<String, Object> status, Instant now) {
        if (Sim.deletedForMove(kcp)) {
            if (Obj.removeFinalizer(kcp, FINALIZER)) {
                sim.update(kcp);
            }
            return null;
        }
        String clusterName = cluster != null ? Obj.name(cluster) : Obj.label(kcp, Sim.CLUSTER_NAME_LABEL);
        List<GenericKubernetesResource> machines = clusterName == null ? List.of() : machines(kcp, clusterName);
        removePreTerminateHooks(machines, clusterName == null ? null : sim.remote.get(Obj.namespace(kcp), clusterName));
        for (GenericKubernetesResource machine : machines) {
            sim.deleteAndCheckGone(Kind.MACHINE, Obj.namespace(kcp), Obj.name(machine));
        }
        if (!machines.isEmpty()) {
            Conditions.set(
                    status,
                    "Deleting",
                    Conditions.TRUE,
                    "WaitingForMachineDeletion",
                    "* Machines "
                            + String.join(", ", machines.stream().map(Obj::name).toList()) + " are being deleted",
                    now);
            counters(status, machines, kcp);
            sim.writeStatus(kcp, status);
            return WAIT;
        }
        if (Obj.removeFinalizer(kcp, FINALIZER)) {
            sim.update(kcp);
        }
        return null;
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
