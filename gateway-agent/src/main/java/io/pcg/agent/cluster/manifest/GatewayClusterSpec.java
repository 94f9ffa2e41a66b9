package io.pcg.agent.cluster.manifest;

import io.pcg.agent.ipam.Pool;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.secrets.Secret;
import io.pcg.vsphere.soap.Thumbprints;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything {@link GatewayClusterManifest#render} needs to describe the gateway cluster. The constructor only fills
 * in defaults; {@link #validate()} checks everything and reports every problem at once. {@code toString()} is safe
 * for logs: the vCenter and proxy passwords are {@link Secret}s and print redacted.
 *
 * @param name                 the cluster name; it starts every node's host name
 * @param namespace            where the objects go; blank means {@value #DEFAULT_NAMESPACE}. With static IPs it must
 *                             be the IPAM namespace, because CAPV looks up {@code addressesFromPools} pools in the
 *                             machine's own namespace
 * @param kubernetesVersion    e.g. {@code v1.34.4}
 * @param controlPlaneReplicas 1 or 3 nodes, each a control-plane node (the gateway cluster has no workers)
 * @param placement            where the nodes go, as inventory paths ({@code PlacementValidator} reports them
 *                             resolved); no resource pool means the compute cluster's root pool, no folder the
 *                             datacenter's VM folder
 * @param nodeTemplate         the VM template every node is cloned from
 * @param nodeSize             per node; null means {@link NodeSize#MINIMUM}
 * @param controlPlaneVip      the API server address, already reserved by the caller (static IPs:
 *                             {@code io.pcg.agent.ipam.ControlPlaneVips}; DHCP: {@code io.pcg.agent.ipam.DhcpVip})
 * @param sshAuthorizedKeys    public keys that may log in to every node as {@value GatewayClusterManifest#NODE_USER}
 * @param ntpServers           time servers for every node; empty leaves the node template's setting
 * @param proxy                the proxy every node uses; null means {@link ProxySettings#DIRECT}
 */
public record GatewayClusterSpec(
        String name,
        String namespace,
        String kubernetesVersion,
        int controlPlaneReplicas,
        Vcenter vcenter,
        Placement placement,
        String nodeTemplate,
        NodeSize nodeSize,
        Addressing addressing,
        Ip controlPlaneVip,
        Cidr podCidr,
        Cidr serviceCidr,
        List<String> sshAuthorizedKeys,
        List<String> ntpServers,
        ProxySettings proxy) {

    public static final String DEFAULT_NAMESPACE = "pcg-system";
    public static final String INVALID = "GATEWAY_CLUSTER_INVALID";

    /** Machine names are {@code <cluster>-<5 random characters>} and become host names: DNS labels of at most 63. */
    private static final int MAX_NAME_LENGTH = 57;
    /** kube-vip on the first node needs kubeadm's super-admin.conf, which kubeadm writes since v1.29. */
    private static final int OLDEST_MINOR = 29;

    private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    /** {@code host:port}; an IPv6 address has more colons and no port here. */
    private static final Pattern HOST_AND_PORT = Pattern.compile("([^:]+):([0-9]{1,5})");

    private static final Pattern KUBERNETES_VERSION = Pattern.compile("v1\\.([0-9]+)\\.[0-9]+([-+][0-9A-Za-z.+-]+)?");
    /** The limit of {@code users[].sshAuthorizedKeys[]} in the KubeadmControlPlane schema. */
    private static final int MAX_SSH_KEY_LENGTH = 2048;

    public GatewayClusterSpec {
        namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace.strip();
        nodeSize = nodeSize == null ? NodeSize.MINIMUM : nodeSize;
        sshAuthorizedKeys = sshAuthorizedKeys == null ? List.of() : List.copyOf(sshAuthorizedKeys);
        ntpServers = ntpServers == null ? List.of() : List.copyOf(ntpServers);
        proxy = proxy == null ? ProxySettings.DIRECT : proxy;
    }

    /**
     * The vCenter CAPV talks to.
     *
     * @param server     host name or IP address, without scheme or port
     * @param thumbprint the SHA-1 or SHA-256 fingerprint of its certificate, in any common notation
     */
    public record Vcenter(String server, String thumbprint, String username, Secret password) {

        /** The fingerprint as CAPV compares it: colon-separated upper-case hex. */
        String capvThumbprint() {
            return HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(HexFormat.of().parseHex(Thumbprints.normalize(thumbprint)));
        }
    }

    /** The size of each node; the product guide's minimum is the default and the floor. */
    public record NodeSize(int cpus, int memoryMiB, int diskGiB) {
        public static final NodeSize MINIMUM = new NodeSize(2, 4096, 30);
    }

    /** How nodes get their addresses. */
    public sealed interface Addressing permits StaticIps, Dhcp, ReservedIps {
        /** The network the nodes (and the VIP) are on. */
        Cidr nodeNetwork();
    }

    /** Addresses from an agent-served IP pool (its name servers go to every node, since nothing else gives DNS). */
    public record StaticIps(Pool pool) implements Addressing {
        @Override
        public Cidr nodeNetwork() {
            return pool == null ? null : pool.network();
        }
    }

    /**
     * Addresses the agent reserved from {@code pool} beforehand, one per node, written into each VM as a fixed
     * address: a tenant cluster's nodes keep theirs after the pivot, when the agent that serves the pool is no
     * longer the cluster's manager. The first goes to the control plane's machine template.
     */
    public record ReservedIps(Pool pool, List<Ip> addresses) implements Addressing {
        public ReservedIps {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
        }

        @Override
        public Cidr nodeNetwork() {
            return pool == null ? null : pool.network();
        }
    }

    /** Addresses from the site's DHCP server, which serves {@code nodeNetwork}. */
    public record Dhcp(Cidr nodeNetwork) implements Addressing {}

    /**
     * @throws OperatorException {@value #INVALID}, naming every field that is wrong and how to fix it; never a password
     */
    public void validate() throws OperatorException {
        List<String> problems = new ArrayList<>();
        checkName(problems);
        checkKubernetes(problems);
        checkVcenter(problems);
        checkPlacement(problems);
        checkNodes(problems);
        checkNetworks(problems);
        checkAccess(problems);
        checkProxy(problems);
        if (!problems.isEmpty()) {
            throw new OperatorException(
                    INVALID,
                    "the settings of cluster " + (isBlank(name) ? "(no name)" : shortened(name)) + " are not valid: "
                            + String.join("; ", problems),
                    "Correct the fields named above and try again; nothing was created.");
        }
    }

    private void checkName(List<String> problems) {
        if (isBlank(name)) {
            problems.add("name is empty: give the gateway cluster a name such as pcg-gateway");
        } else if (name.length() > MAX_NAME_LENGTH
                || !CLUSTER_NAME.matcher(name).matches()) {
            problems.add("name '" + shortened(name) + "' is not valid: use at most " + MAX_NAME_LENGTH + " lower-case"
                    + " letters, digits and '-', starting with a letter and ending with a letter or digit (it starts"
                    + " every node's host name), e.g. pcg-gateway");
        }
        if (!DNS_LABEL.matcher(namespace).matches()) {
            problems.add("namespace '" + shortened(namespace) + "' is not a valid namespace name: use at most 63"
                    + " lower-case letters, digits and '-', or leave it empty for " + DEFAULT_NAMESPACE);
        }
    }

    private void checkKubernetes(List<String> problems) {
        Matcher version = KUBERNETES_VERSION.matcher(kubernetesVersion == null ? "" : kubernetesVersion);
        if (!version.matches()) {
            problems.add("kubernetesVersion '" + shortened(String.valueOf(kubernetesVersion)) + "' is not a Kubernetes"
                    + " version: write it as v1.MINOR.PATCH, e.g. v1.34.4");
        } else if (Integer.parseInt(version.group(1)) < OLDEST_MINOR) {
            problems.add("kubernetesVersion " + kubernetesVersion + " is too old: the gateway cluster needs v1."
                    + OLDEST_MINOR + " or newer, e.g. v1.34.4");
        }
        if (controlPlaneReplicas != 1 && controlPlaneReplicas != 3) {
            problems.add(
                    "controlPlaneReplicas " + controlPlaneReplicas + " is not supported: a gateway cluster has 1 node,"
                            + " or 3 for production (etcd then survives the loss of one node)");
        }
    }

    private void checkVcenter(List<String> problems) {
        if (vcenter == null) {
            problems.add(
                    "vcenter is missing: give the vCenter server, its certificate thumbprint, a user name and password");
            return;
        }
        String server = vcenter.server();
        if (isBlank(server)) {
            problems.add("vcenter.server is empty: give the vCenter host name or IP address, e.g. vcenter.example.com");
        } else if (!isHost(server)) {
            problems.add("vcenter.server '" + shortened(server) + "' is not a host name or IP address: give the host,"
                    + " optionally with :port, without https://, e.g. vcenter.example.com");
        }
        try {
            vcenter.capvThumbprint();
        } catch (IllegalArgumentException e) {
            problems.add("vcenter.thumbprint is not valid: " + e.getMessage()
                    + "; use the fingerprint the agent showed when it" + " connected to vCenter");
        }
        if (isBlank(vcenter.username())) {
            problems.add(
                    "vcenter.username is empty: give the vCenter user the cluster is managed as, e.g. pcg@vsphere.local");
        }
        if (vcenter.password() == null || vcenter.password().isEmpty()) {
            problems.add("vcenter.password is empty: give the password of the vCenter user");
        }
    }

    private void checkPlacement(List<String> problems) {
        if (placement == null) {
            problems.add("placement is missing: choose the datacenter, compute cluster, datastore and network");
            return;
        }
        requirePlacement(problems, "datacenter", placement.datacenter());
        requirePlacement(problems, "cluster", placement.cluster());
        requirePlacement(problems, "datastore", placement.datastore());
        requirePlacement(problems, "network", placement.network());
    }

    private static void requirePlacement(List<String> problems, String field, String value) {
        if (value == null) {
            problems.add("placement." + field + " is empty: choose the " + field + " the nodes go to");
        }
    }

    private void checkNodes(List<String> problems) {
        if (isBlank(nodeTemplate)) {
            problems.add("nodeTemplate is empty: give the name of the VM template the nodes are cloned from");
        }
        NodeSize minimum = NodeSize.MINIMUM;
        if (nodeSize.cpus() < minimum.cpus()) {
            problems.add("nodeSize.cpus " + nodeSize.cpus() + " is below the minimum of " + minimum.cpus()
                    + " vCPUs per node: use " + minimum.cpus() + " or more");
        }
        if (nodeSize.memoryMiB() < minimum.memoryMiB()) {
            problems.add("nodeSize.memoryMiB " + nodeSize.memoryMiB() + " is below the minimum of "
                    + minimum.memoryMiB() + " MiB (4 GB) per node: use " + minimum.memoryMiB() + " or more");
        }
        if (nodeSize.diskGiB() < minimum.diskGiB()) {
            problems.add("nodeSize.diskGiB " + nodeSize.diskGiB() + " is below the minimum of " + minimum.diskGiB()
                    + " GiB per node: use " + minimum.diskGiB() + " or more");
        }
    }

    private void checkNetworks(List<String> problems) {
        Cidr nodeNetwork = checkAddressing(problems);
        if (controlPlaneVip == null) {
            problems.add("controlPlaneVip is missing: reserve a free address on the node network for the API server");
        } else if (nodeNetwork != null && !nodeNetwork.contains(controlPlaneVip)) {
            problems.add(
                    "controlPlaneVip " + controlPlaneVip + " is not on the node network " + nodeNetwork + ": kube-vip"
                            + " announces it with ARP from a node, so pick a free address inside " + nodeNetwork);
        }
        checkClusterRange(problems, "podCidr", podCidr, nodeNetwork, "192.168.0.0/16");
        checkClusterRange(problems, "serviceCidr", serviceCidr, nodeNetwork, "10.96.0.0/12");
        if (podCidr != null && serviceCidr != null && podCidr.overlaps(serviceCidr)) {
            problems.add("serviceCidr " + serviceCidr + " overlaps podCidr " + podCidr + ": the two ranges must be"
                    + " disjoint, e.g. pods 192.168.0.0/16 and services 10.96.0.0/12");
        }
    }

    /** @return the node network, null when it is not known */
    private Cidr checkAddressing(List<String> problems) {
        if (addressing == null) {
            problems.add("addressing is missing: choose static IPs from an IP pool or DHCP");
            return null;
        }
        if (addressing instanceof ReservedIps reserved) {
            if (reserved.pool() == null) {
                problems.add("addressing.pool is missing: choose the IP pool the nodes take their addresses from");
            } else if (reserved.pool().nameServers().isEmpty()) {
                problems.add("addressing.pool " + reserved.pool().name() + " has no name servers: nodes with static IPs"
                        + " get DNS only from their pool, so add name servers to the pool");
            }
            if (reserved.addresses().isEmpty()) {
                problems.add("addressing.addresses is empty: reserve an address for each node from the pool first");
            }
        } else if (addressing instanceof StaticIps staticIps) {
            if (staticIps.pool() == null) {
                problems.add("addressing.pool is missing: choose the IP pool the nodes take their addresses from");
            } else if (staticIps.pool().nameServers().isEmpty()) {
                problems.add(
                        "addressing.pool " + staticIps.pool().name() + " has no name servers: nodes with static IPs"
                                + " get DNS only from their pool, so add name servers to the pool");
            }
        } else if (addressing.nodeNetwork() == null) {
            problems.add("addressing.nodeNetwork is missing: give the CIDR of the network the DHCP server serves the"
                    + " nodes on, e.g. 10.10.0.0/24");
        }
        return addressing.nodeNetwork();
    }

    private static void checkClusterRange(
            List<String> problems, String field, Cidr range, Cidr nodeNetwork, String example) {
        if (range == null) {
            problems.add(field + " is missing: give a private range unused on your network, e.g. " + example);
        } else if (nodeNetwork != null && range.family() != nodeNetwork.family()) {
            problems.add(field + " " + range + " is " + range.family().label() + " but the node network " + nodeNetwork
                    + " is " + nodeNetwork.family().label() + ": use a range of the node network's family");
        } else if (nodeNetwork != null && range.overlaps(nodeNetwork)) {
            problems.add(field + " " + range + " overlaps the node network " + nodeNetwork + ": choose a range that is"
                    + " not used on your network");
        }
    }

    private void checkAccess(List<String> problems) {
        for (int i = 0; i < sshAuthorizedKeys.size(); i++) {
            String key = sshAuthorizedKeys.get(i);
            String field = "sshAuthorizedKeys[" + i + "]";
            // Never quote the key: operators sometimes paste the private key by mistake.
            if (isBlank(key)) {
                problems.add(field + " is empty: paste the one-line public key (the .pub file) or remove the entry");
            } else if (key.contains("PRIVATE KEY")) {
                problems.add(field + " is a private key: paste the public key (the .pub file) instead, and replace"
                        + " that key pair since its private half has been shared");
            } else if (key.strip().lines().count() > 1 || key.length() > MAX_SSH_KEY_LENGTH) {
                problems.add(field + " is not a one-line public key of at most " + MAX_SSH_KEY_LENGTH + " characters:"
                        + " paste the contents of the .pub file, e.g. ~/.ssh/id_ed25519.pub");
            }
        }
        for (int i = 0; i < ntpServers.size(); i++) {
            String server = ntpServers.get(i);
            if (server == null || !isHost(server)) {
                problems.add("ntpServers[" + i + "] '" + shortened(String.valueOf(server))
                        + "' is not a host name or IP" + " address: give e.g. pool.ntp.org or 10.10.0.123");
            }
        }
    }

    private void checkProxy(List<String> problems) {
        boolean http = proxy.httpProxy().isPresent();
        boolean https = proxy.httpsProxy().isPresent();
        if (http != https) {
            String set = http ? "proxy.httpProxy" : "proxy.httpsProxy";
            String empty = http ? "proxy.httpsProxy" : "proxy.httpProxy";
            problems.add(empty + " is empty but " + set + " is set: set both (they may be the same URL, e.g."
                    + " http://proxy.example.com:3128), or neither for a direct connection");
        }
    }

    /** A host name or IP literal: what NO_PROXY, NTP and CAPV's {@code server} all accept. */
    /** A host name or IP address, optionally with a port (CAPV reaches a vCenter on another port than 443 that way). */
    private static boolean isHost(String value) {
        String stripped = value.strip();
        Matcher withPort = HOST_AND_PORT.matcher(stripped);
        if (withPort.matches()
                && Integer.parseInt(withPort.group(2)) <= 65535
                && Integer.parseInt(withPort.group(2)) > 0) {
            stripped = withPort.group(1);
        }
        String host = stripped;
        return Ip.tryParse(host).isPresent()
                || host.length() <= 253 && HOST_NAME.matcher(host).matches();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String shortened(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 70 ? printable.substring(0, 70) + "..." : printable;
    }

    /** The vCenter as CAPV's {@code server} names it: host, and port when not 443. */
    String vcenterServer() {
        return vcenter.server().strip();
    }

    /** The vCenter's host alone, as it goes into NO_PROXY. */
    String vcenterHost() {
        Matcher withPort = HOST_AND_PORT.matcher(vcenterServer());
        return withPort.matches() ? withPort.group(1) : vcenterServer();
    }

    boolean usesProxy() {
        return proxy.httpProxy().isPresent();
    }
}
