package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent serves claims by itself once it is told where its management cluster is, and not before; when the
 * management cluster moves (the pivot), IPAM follows it without an agent restart.
 */
@ExtendWith(KubeApiServerExtension.class)
class IpamProviderStartupIT {

    private static final PoolSpec NODES =
            new PoolSpec("nodes", "range", "10.0.0.2", "10.0.0.9", null, 24, "10.0.0.1", List.of(), false, List.of());

    @Test
    void agentWithAKubeconfigServesClaims(KubeApiServer server, TestNamespace namespace) throws Exception {
        try (IpamFixture ipam = new IpamFixture(server, IpamConfig.defaults(namespace.name()), Clock.systemUTC());
                ApplicationContext agent = agentOn(server, namespace)) {
            ipam.pools().create(NODES);
            ipam.createClaim("cp-0", "nodes", "gateway");
            assertThat(ipam.awaitAddress("cp-0")).isEqualTo("10.0.0.2");
        }
    }

    /**
     * A second real API server stands in for the gateway cluster: after the re-point the agent answers claims there,
     * and no longer on the bootstrap cluster.
     */
    @Test
    void ipamFollowsTheManagementClusterWhenItIsRepointed(KubeApiServer bootstrap, TestNamespace namespace)
            throws Exception {
        try (KubeApiServer gateway = KubeApiServer.start();
                ApplicationContext agent = agentOn(bootstrap, namespace)) {
            io.pcg.testkit.kube.UpstreamCrds.install(gateway.client());
            gateway.client()
                    .namespaces()
                    .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace.name())
                            .endMetadata()
                            .build())
                    .create();
            IpamConfig config = IpamConfig.defaults(namespace.name());
            try (IpamFixture before = new IpamFixture(bootstrap, config, Clock.systemUTC());
                    IpamFixture after = new IpamFixture(gateway, config, Clock.systemUTC())) {
                before.pools().create(NODES);
                before.createClaim("cp-0", "nodes", "gateway");
                assertThat(before.awaitAddress("cp-0")).isEqualTo("10.0.0.2");

                after.pools().create(NODES);
                agent.getBean(ManagementCluster.class).repoint(gateway.kubeconfig());
                after.createClaim("cp-1", "nodes", "gateway");
                assertThat(after.awaitAddress("cp-1")).isEqualTo("10.0.0.2");

                before.createClaim("left-behind", "nodes", "gateway");
                after.createClaim("cp-2", "nodes", "gateway");
                assertThat(after.awaitAddress("cp-2")).isEqualTo("10.0.0.3");
                assertThat(before.claim("left-behind").getAdditionalProperties().get("status"))
                        .isNull();
            }
        }
    }

    @Test
    void agentWithoutAManagementClusterLeavesIpamIdle() {
        try (ApplicationContext agent = ApplicationContext.builder()
                .environments(GatewayAgentApplication.ENVIRONMENT)
                .start()) {
            assertThat(agent.getBean(IpamController.class).isRunning()).isFalse();
        }
    }

    private static ApplicationContext agentOn(KubeApiServer server, TestNamespace namespace) {
        return ApplicationContext.builder()
                .environments(GatewayAgentApplication.ENVIRONMENT)
                .properties(Map.of(
                        "pcg.agent.kube.kubeconfig",
                        server.kubeconfig().toString(),
                        "pcg.agent.ipam.namespace",
                        namespace.name()))
                .start();
    }
}
