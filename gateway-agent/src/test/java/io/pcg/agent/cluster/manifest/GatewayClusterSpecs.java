package io.pcg.agent.cluster.manifest;

import io.pcg.agent.cluster.manifest.GatewayClusterSpec.Addressing;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.Dhcp;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.NodeSize;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.StaticIps;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.Vcenter;
import io.pcg.agent.ipam.Pool;
import io.pcg.agent.ipam.PoolSpec;
import io.pcg.agent.ipam.PoolValidationException;
import io.pcg.agent.ipam.PoolValidator;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.secrets.Secret;
import java.util.List;
import java.util.Map;

/**
 * Gateway cluster specs for tests: {@link #builder()} starts from a valid 1-node static-IP cluster without proxy;
 * each field can be changed before {@link Builder#build()}. The passwords are distinctive, so a test can search any
 * text for them.
 */
final class GatewayClusterSpecs {

    static final String VCENTER_PASSWORD = "vc-Secr3t-4711";
    /** Has characters that must be percent-encoded in a URL and escaped in systemd files. */
    static final String PROXY_PASSWORD = "Px%9 q\"w@rd";

    static final String PROXY_USER = "gateway";
    /** {@link #PROXY_PASSWORD} as written in a proxy URL. */
    static final String PROXY_PASSWORD_IN_URL = "Px%259%20q%22w%40rd";

    static final String PROXY_HOST = "proxy.example.com";
    static final List<String> OPERATOR_NO_PROXY = List.of(".corp.example", "10.50.0.0/16");

    static final Cidr POOL_NETWORK = Cidr.parse("10.10.183.0/24");
    static final Ip STATIC_VIP = Ip.parse("10.10.183.5");
    static final Cidr DHCP_NETWORK = Cidr.parse("10.20.0.0/22");
    static final Ip DHCP_VIP = Ip.parse("10.20.0.5");

    private GatewayClusterSpecs() {}

    static Builder builder() {
        return new Builder();
    }

    /** A spec for the table tests: {@code replicas} nodes, static IPs or DHCP, with or without proxy. */
    static GatewayClusterSpec spec(String namespace, int replicas, boolean staticIps, boolean proxy) {
        Builder builder = builder();
        builder.namespace = namespace;
        builder.replicas = replicas;
        if (!staticIps) {
            builder.addressing = new Dhcp(DHCP_NETWORK);
            builder.vip = DHCP_VIP;
        }
        if (proxy) {
            builder.proxy = proxy();
        }
        return builder.build();
    }

    static Pool pool() {
        try {
            return PoolValidator.validate(
                    new PoolSpec(
                            "gateway-pool",
                            "range",
                            "10.10.183.10",
                            "10.10.183.100",
                            null,
                            24,
                            "10.10.183.1",
                            List.of("10.10.183.2", "10.10.0.53"),
                            false,
                            List.of()),
                    List.of());
        } catch (PoolValidationException e) {
            throw new AssertionError(e);
        }
    }

    static ProxySettings proxy() {
        String url = "http://" + PROXY_USER + ":" + PROXY_PASSWORD_IN_URL + "@" + PROXY_HOST + ":3128";
        return ProxySettings.fromEnvironment(
                Map.of("HTTP_PROXY", url, "HTTPS_PROXY", url, "NO_PROXY", String.join(",", OPERATOR_NO_PROXY)));
    }

    /** Fields of {@link GatewayClusterSpec}, valid until a test changes them. */
    static final class Builder {
        String name = "pcg-gateway";
        String namespace = "pcg-system";
        String kubernetesVersion = "v1.34.4";
        int replicas = 1;
        Vcenter vcenter = new Vcenter(
                "vcenter.example.com",
                "sha256:3F2A61D3C0B1E5F4A7B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4",
                "pcg@vsphere.local",
                Secret.of(VCENTER_PASSWORD));
        Placement placement = new Placement(
                "/dc1",
                "/dc1/host/cluster1",
                "/dc1/datastore/vsanDatastore",
                "/dc1/network/VM Network",
                null,
                "/dc1/vm/pcg");
        String nodeTemplate = "ubuntu-2404-kube-v1.34.4";
        NodeSize nodeSize = null;
        Addressing addressing = new StaticIps(pool());
        Ip vip = STATIC_VIP;
        Cidr podCidr = Cidr.parse("192.168.0.0/16");
        Cidr serviceCidr = Cidr.parse("10.96.0.0/12");
        List<String> sshKeys = List.of(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7cWf0hP4Qz8c7mG2iM2rYH8pX1Yt0Vz9hG3k5Lq2Ws ops@example.com");
        List<String> ntpServers = List.of("0.pool.ntp.org", "10.10.0.123");
        ProxySettings proxy = ProxySettings.DIRECT;

        GatewayClusterSpec build() {
            return new GatewayClusterSpec(
                    name,
                    namespace,
                    kubernetesVersion,
                    replicas,
                    vcenter,
                    placement,
                    nodeTemplate,
                    nodeSize,
                    addressing,
                    vip,
                    podCidr,
                    serviceCidr,
                    sshKeys,
                    ntpServers,
                    proxy);
        }
    }
}
