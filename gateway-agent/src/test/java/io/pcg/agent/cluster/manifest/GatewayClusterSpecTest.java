package io.pcg.agent.cluster.manifest;

import static io.pcg.agent.cluster.manifest.GatewayClusterSpecs.PROXY_PASSWORD;
import static io.pcg.agent.cluster.manifest.GatewayClusterSpecs.PROXY_PASSWORD_IN_URL;
import static io.pcg.agent.cluster.manifest.GatewayClusterSpecs.VCENTER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pcg.agent.cluster.manifest.GatewayClusterSpec.Dhcp;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.NodeSize;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.StaticIps;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.Vcenter;
import io.pcg.agent.ipam.PoolSpec;
import io.pcg.agent.ipam.PoolValidator;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.secrets.Secret;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@link GatewayClusterSpec#validate()} refuses, and that it says which field and what to do, never a password. */
class GatewayClusterSpecTest {

    private static Arguments refused(String field, Consumer<GatewayClusterSpecs.Builder> change, String fix) {
        return arguments(field, change, fix);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refused("name", b -> b.name = " ", "give the gateway cluster a name"),
                refused("name", b -> b.name = "Gateway_1", "lower-case letters, digits and '-'"),
                refused("name", b -> b.name = "g".repeat(58), "at most 57"),
                refused("namespace", b -> b.namespace = "PCG", "leave it empty for pcg-system"),
                refused("kubernetesVersion", b -> b.kubernetesVersion = "1.34.4", "write it as v1.MINOR.PATCH"),
                refused("kubernetesVersion", b -> b.kubernetesVersion = "v1.28.9", "needs v1.29 or newer"),
                refused("controlPlaneReplicas", b -> b.replicas = 2, "1 node, or 3 for production"),
                refused("controlPlaneReplicas", b -> b.replicas = 5, "1 node, or 3 for production"),
                refused("controlPlaneReplicas", b -> b.replicas = 0, "1 node, or 3 for production"),
                refused("vcenter", b -> b.vcenter = null, "give the vCenter server"),
                refused(
                        "vcenter.server",
                        b -> b.vcenter = vcenter("https://vc.example.com", "sha1:" + "AB".repeat(20), "u"),
                        "optionally with :port, without https://"),
                refused(
                        "vcenter.server",
                        b -> b.vcenter = vcenter("vc.example.com:99999", "AB".repeat(32), "u"),
                        "optionally with :port, without https://"),
                refused(
                        "vcenter.server",
                        b -> b.vcenter = vcenter("", "AB".repeat(20), "u"),
                        "give the vCenter host name"),
                refused("vcenter.thumbprint", b -> b.vcenter = vcenter("vc", "AB:CD", "u"), "SHA-256 (64 hex digits)"),
                refused(
                        "vcenter.username",
                        b -> b.vcenter = vcenter("vc", "AB".repeat(32), " "),
                        "give the vCenter user"),
                refused(
                        "vcenter.password",
                        b -> b.vcenter = new Vcenter("vc", "AB".repeat(32), "u", Secret.empty()),
                        "give the password"),
                refused("placement", b -> b.placement = null, "choose the datacenter, compute cluster"),
                refused(
                        "placement.datastore",
                        b -> b.placement = new Placement("dc", "c", " ", "n", null, null),
                        "choose the datastore"),
                refused("nodeTemplate", b -> b.nodeTemplate = "", "the VM template the nodes are cloned from"),
                refused("nodeSize.cpus", b -> b.nodeSize = new NodeSize(1, 4096, 30), "use 2 or more"),
                refused("nodeSize.memoryMiB", b -> b.nodeSize = new NodeSize(2, 2048, 30), "use 4096 or more"),
                refused("nodeSize.diskGiB", b -> b.nodeSize = new NodeSize(2, 4096, 20), "use 30 or more"),
                refused("addressing", b -> b.addressing = null, "choose static IPs from an IP pool or DHCP"),
                refused("addressing.pool", b -> b.addressing = new StaticIps(null), "choose the IP pool"),
                refused(
                        "addressing.pool",
                        b -> b.addressing = new StaticIps(poolWithoutNameServers()),
                        "add name servers to the pool"),
                refused(
                        "addressing.nodeNetwork",
                        b -> {
                            b.addressing = new Dhcp(null);
                            b.vip = Ip.parse("10.20.0.5");
                        },
                        "give the CIDR of the network"),
                refused("controlPlaneVip", b -> b.vip = null, "reserve a free address on the node network"),
                refused(
                        "controlPlaneVip",
                        b -> b.vip = Ip.parse("10.10.184.5"),
                        "pick a free address inside 10.10.183.0/24"),
                refused("podCidr", b -> b.podCidr = null, "e.g. 192.168.0.0/16"),
                refused("serviceCidr", b -> b.serviceCidr = Cidr.parse("192.168.128.0/17"), "must be disjoint"),
                refused("serviceCidr", b -> b.serviceCidr = Cidr.parse("10.10.0.0/16"), "overlaps the node network"),
                refused(
                        "podCidr",
                        b -> b.podCidr = Cidr.parse("fd00::/56"),
                        "use a range of the node network's family"),
                refused(
                        "sshAuthorizedKeys[0]",
                        b -> b.sshKeys = List.of("-----BEGIN OPENSSH PRIVATE KEY----- abc"),
                        "paste the public key"),
                refused(
                        "sshAuthorizedKeys[1]",
                        b -> b.sshKeys = List.of("ssh-ed25519 AAAA a", "ssh-ed25519 AAAA\nssh-rsa B"),
                        "paste the contents of the .pub file"),
                refused(
                        "ntpServers[1]",
                        b -> b.ntpServers = List.of("pool.ntp.org", "ntp server!"),
                        "e.g. pool.ntp.org"),
                refused(
                        "proxy.httpsProxy",
                        b -> b.proxy = ProxySettings.fromEnvironment(Map.of(
                                "HTTP_PROXY", "http://gateway:" + PROXY_PASSWORD_IN_URL + "@proxy.example.com:3128")),
                        "set both"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusals")
    void refusesWithTheFieldAndTheFixButNoPassword(
            String field, Consumer<GatewayClusterSpecs.Builder> change, String fix) {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        builder.proxy = GatewayClusterSpecs.proxy();
        change.accept(builder);
        GatewayClusterSpec spec = builder.build();

        OperatorException refusal = catchThrowableOfType(OperatorException.class, spec::validate);
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.code()).isEqualTo("GATEWAY_CLUSTER_INVALID");
        assertThat(refusal.getMessage()).contains(field + " ").contains(fix);
        assertThat(refusal.getMessage() + refusal.hint() + spec)
                .doesNotContain(VCENTER_PASSWORD, PROXY_PASSWORD, PROXY_PASSWORD_IN_URL);
        OperatorException rendering =
                catchThrowableOfType(OperatorException.class, () -> GatewayClusterManifest.render(spec));
        assertThat(rendering).hasMessage(refusal.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        builder.replicas = 2;
        builder.nodeSize = new NodeSize(1, 1024, 10);
        builder.podCidr = builder.serviceCidr;
        OperatorException refusal = catchThrowableOfType(
                OperatorException.class, () -> builder.build().validate());
        assertThat(refusal.getMessage())
                .contains(
                        "controlPlaneReplicas",
                        "nodeSize.cpus",
                        "nodeSize.memoryMiB",
                        "nodeSize.diskGiB",
                        "serviceCidr 10.96.0.0/12 overlaps podCidr");
    }

    @Test
    void defaultsAreTheIpamNamespaceTheMinimumNodeSizeAndNoProxy() {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        builder.namespace = "";
        builder.nodeSize = null;
        builder.proxy = null;
        GatewayClusterSpec spec = builder.build();
        assertThat(spec.namespace()).isEqualTo("pcg-system");
        assertThat(spec.nodeSize()).isEqualTo(new NodeSize(2, 4096, 30));
        assertThat(spec.proxy()).isEqualTo(ProxySettings.DIRECT);
        assertThatCode(spec::validate).doesNotThrowAnyException();
    }

    @Test
    void theSeedsMinimumIsAcceptedAndSha1ThumbprintsToo() {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        builder.nodeSize = new NodeSize(2, 4096, 30);
        builder.vcenter = vcenter("10.10.0.10", "ab:cd:" + "01".repeat(18), "pcg@vsphere.local");
        assertThatCode(() -> builder.build().validate()).doesNotThrowAnyException();
        assertThat(builder.vcenter.capvThumbprint()).isEqualTo("AB:CD:" + "01:".repeat(17) + "01");
    }

    @Test
    void toStringShowsNoPassword() {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        builder.proxy = GatewayClusterSpecs.proxy();
        assertThat(builder.build().toString())
                .contains("pcg@vsphere.local", "proxy.example.com")
                .doesNotContain(VCENTER_PASSWORD, PROXY_PASSWORD, PROXY_PASSWORD_IN_URL);
    }

    private static Vcenter vcenter(String server, String thumbprint, String username) {
        return new Vcenter(server, thumbprint, username, Secret.of(VCENTER_PASSWORD));
    }

    private static io.pcg.agent.ipam.Pool poolWithoutNameServers() {
        try {
            return PoolValidator.validate(
                    new PoolSpec(
                            "bare",
                            "range",
                            "10.10.183.10",
                            "10.10.183.20",
                            null,
                            24,
                            "10.10.183.1",
                            List.of(),
                            false,
                            List.of()),
                    List.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
