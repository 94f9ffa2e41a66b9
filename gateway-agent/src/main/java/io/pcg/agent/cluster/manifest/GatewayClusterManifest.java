package io.pcg.agent.cluster.manifest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.NodeSize;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.ReservedIps;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.StaticIps;
import io.pcg.agent.ipam.IpamApi;
import io.pcg.agent.ipam.Pool;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpFamily;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway cluster as Cluster API v1beta2 objects for CAPV (contract v1beta2): a pure function of a
 * {@link GatewayClusterSpec}. Every object carries {@code cluster.x-k8s.io/cluster-name}; see docs/gateway-cluster.md.
 */
public final class GatewayClusterManifest {

    /** The user CAPV's documentation has operators log in to nodes as. */
    public static final String NODE_USER = "capv";

    static final String CLUSTER_API_VERSION = "cluster.x-k8s.io/v1beta2";
    static final String INFRASTRUCTURE_GROUP = "infrastructure.cluster.x-k8s.io";
    private static final String CONTROL_PLANE_GROUP = "controlplane.cluster.x-k8s.io";
    private static final int API_SERVER_PORT = 6443;
    /**
     * The product guide's degraded-node scenarios ("Day 2", machine health): kubelet not up for 10 minutes, network
     * unavailable for 10 minutes, a new node not Ready within 30 minutes. Cluster API then replaces the node.
     */
    private static final int KUBELET_DOWN_SECONDS = 600;

    private static final int NETWORK_UNAVAILABLE_SECONDS = 600;
    private static final int NODE_STARTUP_SECONDS = 1800;
    /** Label KubeadmControlPlane puts on its machines. */
    private static final String CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";
    /**
     * clusterctl moves an object only along owner references, and the MachineHealthCheck controller makes the
     * Cluster its owner only once it runs: this label has clusterctl move it anyway.
     */
    private static final String FORCE_MOVE_LABEL = "clusterctl.cluster.x-k8s.io/move";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    /** Length of the content hash in the machine template's name. */
    private static final int HASH_LENGTH = 10;

    private GatewayClusterManifest() {}

    /**
     * The objects to apply, in this order: the vCenter credentials Secret, the proxy Secret (only with a proxy), the
     * VSphereMachineTemplate, the VSphereCluster, the KubeadmControlPlane, the Cluster and last the control plane's
     * MachineHealthCheck. Everything a reference points to exists before the reference, so no controller ever waits on
     * a missing object.
     *
     * @throws OperatorException {@value GatewayClusterSpec#INVALID} when the spec is not valid (see
     *                           {@link GatewayClusterSpec#validate()})
     */
    public static List<HasMetadata> render(GatewayClusterSpec spec) throws OperatorException {
        return render(spec, NODE_USER, false);
    }

    /**
     * {@link #render(GatewayClusterSpec)} for another kind of cluster: {@code nodeUser} gets the SSH keys (tenant
     * clusters use the product's {@code spectro}), and with {@code controlPlaneTakesWorkloads} the control-plane nodes
     * are registered without kubeadm's NoSchedule taint ("allow worker capability").
     */
    public static List<HasMetadata> render(GatewayClusterSpec spec, String nodeUser, boolean controlPlaneTakesWorkloads)
            throws OperatorException {
        spec.validate();
        List<HasMetadata> objects = new ArrayList<>();
        Map<String, String> credentials = new LinkedHashMap<>();
        credentials.put("username", spec.vcenter().username().strip());
        credentials.put("password", spec.vcenter().password().reveal());
        objects.add(secret(spec, credentialsSecretName(spec.name()), credentials));
        if (spec.usesProxy()) {
            objects.add(secret(spec, NodeProxy.secretName(spec.name()), NodeProxy.secretData(spec)));
        }
        GenericKubernetesResource machineTemplate = machineTemplate(spec);
        objects.add(machineTemplate);
        objects.add(vsphereCluster(spec));
        objects.add(controlPlane(
                spec,
                nodeUser,
                controlPlaneTakesWorkloads,
                machineTemplate.getMetadata().getName()));
        objects.add(cluster(spec));
        objects.add(machineHealthCheck(spec));
        return List.copyOf(objects);
    }

    /** Referenced by {@code VSphereCluster.spec.identityRef}; CAPV reads the keys {@code username} and {@code password}. */
    private static String credentialsSecretName(String cluster) {
        return cluster + "-vsphere-credentials";
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(
            GatewayClusterSpec spec, String name, Map<String, String> data) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((key, value) ->
                encoded.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withMetadata(metadata(spec, name))
                .withType("Opaque")
                .withData(encoded)
                .build();
    }

    /**
     * The node VM. Its name ends in a hash of its content: CAPV refuses changes to a machine template, so a new size
     * or template becomes a new object, and the KubeadmControlPlane pointing at it rolls the nodes over.
     */
    private static GenericKubernetesResource machineTemplate(GatewayClusterSpec spec) {
        ObjectNode templateSpec = object();
        Ip fixed = spec.addressing() instanceof ReservedIps reserved
                ? reserved.addresses().get(0)
                : null;
        templateSpec.putObject("template").set("spec", vmSpec(spec, spec.placement(), spec.nodeSize(), fixed));
        String name = spec.name() + "-control-plane-" + contentHash(templateSpec);
        return resource(spec, INFRASTRUCTURE_GROUP + "/v1beta2", "VSphereMachineTemplate", name, templateSpec);
    }

    /**
     * A node VM as CAPV's VSphereMachine spec: placement, full clone of the node template, size and network.
     * {@code fixedAddress} is the node's own address with {@link ReservedIps}, null otherwise.
     */
    static ObjectNode vmSpec(GatewayClusterSpec spec, Placement placement, NodeSize size, Ip fixedAddress) {
        ObjectNode vm = object();
        vm.put("server", spec.vcenterServer());
        vm.put("thumbprint", spec.vcenter().capvThumbprint());
        vm.put("datacenter", placement.datacenter());
        vm.put("datastore", placement.datastore());
        vm.put(
                "resourcePool",
                placement.resourcePool() != null ? placement.resourcePool() : placement.cluster() + "/Resources");
        if (placement.folder() != null) {
            vm.put("folder", placement.folder());
        }
        vm.put("template", spec.nodeTemplate().strip());
        // A linked clone cannot grow the template's disk to diskGiB.
        vm.put("cloneMode", "fullClone");
        vm.put("os", "Linux");
        vm.put("numCPUs", size.cpus());
        vm.put("memoryMiB", size.memoryMiB());
        vm.put("diskGiB", size.diskGiB());
        // Lets etcd stop cleanly when a node is deleted; CAPV powers off hard if the guest does not shut down in time.
        vm.put("powerOffMode", "trySoft");
        ObjectNode device = vm.putObject("network").putArray("devices").addObject();
        device.put("networkName", placement.network());
        if (spec.addressing() instanceof StaticIps staticIps) {
            device.put("dhcp4", false);
            device.put("dhcp6", false);
            device.putArray("addressesFromPools")
                    .addObject()
                    .put("apiGroup", IpamApi.GROUP)
                    .put("kind", IpamApi.POOL_KIND)
                    .put("name", staticIps.pool().name());
            strings(
                    device.putArray("nameservers"),
                    staticIps.pool().nameServers().stream().map(Ip::toString).toList());
        } else if (spec.addressing() instanceof ReservedIps reserved) {
            Pool pool = reserved.pool();
            device.put("dhcp4", false);
            device.put("dhcp6", false);
            device.putArray("ipAddrs").add(fixedAddress + "/" + pool.prefix());
            device.put(
                    pool.family() == IpFamily.V4 ? "gateway4" : "gateway6",
                    pool.gateway().toString());
            strings(
                    device.putArray("nameservers"),
                    pool.nameServers().stream().map(Ip::toString).toList());
        } else {
            boolean ipv4 = spec.addressing().nodeNetwork().isIpv4();
            device.put("dhcp4", ipv4);
            device.put("dhcp6", !ipv4);
        }
        return vm;
    }

    private static GenericKubernetesResource vsphereCluster(GatewayClusterSpec spec) {
        ObjectNode body = object();
        body.put("server", spec.vcenterServer());
        body.put("thumbprint", spec.vcenter().capvThumbprint());
        body.putObject("identityRef").put("kind", "Secret").put("name", credentialsSecretName(spec.name()));
        body.putObject("controlPlaneEndpoint")
                .put("host", spec.controlPlaneVip().toString())
                .put("port", API_SERVER_PORT);
        return resource(spec, INFRASTRUCTURE_GROUP + "/v1beta2", "VSphereCluster", spec.name(), body);
    }

    private static GenericKubernetesResource controlPlane(
            GatewayClusterSpec spec, String nodeUser, boolean takesWorkloads, String machineTemplateName) {
        ObjectNode body = object();
        body.put("replicas", spec.controlPlaneReplicas());
        body.put("version", spec.kubernetesVersion());
        body.putObject("machineTemplate")
                .putObject("spec")
                .set(
                        "infrastructureRef",
                        reference(INFRASTRUCTURE_GROUP, "VSphereMachineTemplate", machineTemplateName));
        ObjectNode kubeadm = body.putObject("kubeadmConfigSpec");
        ObjectNode registration = nodeRegistration();
        if (takesWorkloads) {
            // No taints at all: kubeadm would otherwise add node-role.kubernetes.io/control-plane:NoSchedule.
            registration.putArray("taints");
        }
        kubeadm.putObject("initConfiguration").set("nodeRegistration", registration.deepCopy());
        kubeadm.putObject("joinConfiguration").set("nodeRegistration", registration);
        nodeSetup(
                spec,
                nodeUser,
                kubeadm,
                KubeVip.files(spec.controlPlaneVip(), API_SERVER_PORT),
                List.of(KubeVip.selectManifestCommand()));
        return resource(spec, CONTROL_PLANE_GROUP + "/v1beta2", "KubeadmControlPlane", spec.name(), body);
    }

    /**
     * What every node of the cluster gets from cloud-init, control-plane or worker: the proxy files and commands, then
     * the node kind's own {@code files} and {@code commands}, NTP, and the SSH keys for {@code nodeUser}.
     */
    static void nodeSetup(
            GatewayClusterSpec spec,
            String nodeUser,
            ObjectNode kubeadm,
            List<KubeadmFile> ownFiles,
            List<String> ownCommands) {
        List<KubeadmFile> files = new ArrayList<>(ownFiles);
        List<String> commands = new ArrayList<>();
        if (spec.usesProxy()) {
            files.addAll(NodeProxy.files(spec.name()));
            commands.addAll(NodeProxy.preKubeadmCommands());
        }
        commands.addAll(ownCommands);
        if (!files.isEmpty()) {
            ArrayNode fileNodes = kubeadm.putArray("files");
            files.forEach(file -> fileNodes.add(file.toManifest()));
        }
        if (!commands.isEmpty()) {
            strings(kubeadm.putArray("preKubeadmCommands"), commands);
        }
        if (!spec.ntpServers().isEmpty()) {
            ObjectNode ntp = kubeadm.putObject("ntp").put("enabled", true);
            strings(
                    ntp.putArray("servers"),
                    spec.ntpServers().stream().map(String::strip).toList());
        }
        if (!spec.sshAuthorizedKeys().isEmpty()) {
            ObjectNode user = kubeadm.putArray("users").addObject().put("name", nodeUser);
            strings(
                    user.putArray("sshAuthorizedKeys"),
                    spec.sshAuthorizedKeys().stream().map(String::strip).toList());
            user.put("sudo", "ALL=(ALL) NOPASSWD:ALL");
        }
    }

    /**
     * The kubelet waits for the vSphere cloud provider to initialise each node: that sets the node's providerID,
     * by which Cluster API finds the node of a machine.
     */
    static ObjectNode nodeRegistration() {
        ObjectNode registration = object();
        registration
                .putArray("kubeletExtraArgs")
                .addObject()
                .put("name", "cloud-provider")
                .put("value", "external");
        return registration;
    }

    private static GenericKubernetesResource cluster(GatewayClusterSpec spec) {
        ObjectNode body = object();
        ObjectNode network = body.putObject("clusterNetwork");
        network.putObject("pods").putArray("cidrBlocks").add(spec.podCidr().toString());
        network.putObject("services")
                .putArray("cidrBlocks")
                .add(spec.serviceCidr().toString());
        body.set("controlPlaneRef", reference(CONTROL_PLANE_GROUP, "KubeadmControlPlane", spec.name()));
        body.set("infrastructureRef", reference(INFRASTRUCTURE_GROUP, "VSphereCluster", spec.name()));
        return resource(spec, CLUSTER_API_VERSION, "Cluster", spec.name(), body);
    }

    /**
     * Has Cluster API replace a control-plane node that stays unhealthy (KubeadmControlPlane does the replacing and
     * keeps etcd quorum while doing so). Remediation keeps its defaults: every unhealthy machine may be replaced.
     */
    private static GenericKubernetesResource machineHealthCheck(GatewayClusterSpec spec) {
        ObjectNode body = object();
        body.put("clusterName", spec.name());
        body.putObject("selector").putObject("matchLabels").put(CONTROL_PLANE_LABEL, "");
        ObjectNode checks = body.putObject("checks");
        checks.put("nodeStartupTimeoutSeconds", NODE_STARTUP_SECONDS);
        ArrayNode conditions = checks.putArray("unhealthyNodeConditions");
        conditions
                .addObject()
                .put("type", "Ready")
                .put("status", "Unknown")
                .put("timeoutSeconds", KUBELET_DOWN_SECONDS);
        conditions
                .addObject()
                .put("type", "NetworkUnavailable")
                .put("status", "True")
                .put("timeoutSeconds", NETWORK_UNAVAILABLE_SECONDS);
        GenericKubernetesResource check =
                resource(spec, CLUSTER_API_VERSION, "MachineHealthCheck", spec.name() + "-control-plane", body);
        check.getMetadata().getLabels().put(FORCE_MOVE_LABEL, "");
        return check;
    }

    static ObjectNode reference(String apiGroup, String kind, String name) {
        return object().put("apiGroup", apiGroup).put("kind", kind).put("name", name);
    }

    static GenericKubernetesResource resource(
            GatewayClusterSpec spec, String apiVersion, String kind, String name, ObjectNode body) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        resource.setMetadata(metadata(spec, name));
        resource.setAdditionalProperty("spec", JSON.convertValue(body, MAP));
        return resource;
    }

    static ObjectMeta metadata(GatewayClusterSpec spec, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(spec.namespace())
                .withLabels(new LinkedHashMap<>(Map.of(IpamApi.CLUSTER_NAME_LABEL, spec.name())))
                .build();
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String contentHash(ObjectNode content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
