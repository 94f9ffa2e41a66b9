package io.pcg.agent.ipam;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.kube.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent serves claims by itself once it is told where its management cluster is, and not before. */
class IpamProviderStartupIT {

    @Test
    void agentWithAKubeconfigServesClaims(@TempDir Path temp) throws Exception {
        try (IpamFixture ipam = new IpamFixture(IpamConfig.defaults(IpamFixture.NAMESPACE))) {
            Path kubeconfig = writeKubeconfig(temp, ipam.api().url());
            ipam.pools().create(new PoolSpec("nodes", "range", "10.0.0.2", "10.0.0.9", null, 24, "10.0.0.1",
                    List.of(), false, List.of()));
            try (ApplicationContext agent = ApplicationContext.builder()
                    .environments(GatewayAgentApplication.ENVIRONMENT)
                    .properties(Map.of("pcg.agent.kube.kubeconfig", kubeconfig.toString(),
                            "pcg.agent.ipam.namespace", IpamFixture.NAMESPACE))
                    .start()) {
                ipam.createClaim("cp-0", "nodes", "gateway");
                Await.until("the agent answers the claim", () -> ipam.claim("cp-0").getAdditionalProperties().get("status") instanceof Map<?, ?> status
                        && status.get("addressRef") != null);
                assertThat(ipam.address("cp-0")).isEqualTo("10.0.0.2");
            }
        }
    }

    @Test
    void agentWithoutAManagementClusterLeavesIpamIdle() {
        try (ApplicationContext agent = ApplicationContext.builder().environments(GatewayAgentApplication.ENVIRONMENT).start()) {
            assertThat(agent.findBean(IpamProviderStartup.class)).isEmpty();
        }
    }

    private static Path writeKubeconfig(Path folder, String serverUrl) throws Exception {
        Path file = folder.resolve("management.kubeconfig");
        Files.writeString(file, String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: management",
                "clusters:", "- name: management", "  cluster:", "    server: " + serverUrl,
                "contexts:", "- name: management", "  context:", "    cluster: management", "    user: agent",
                "    namespace: " + IpamFixture.NAMESPACE,
                "users:", "- name: agent", "  user:", "    token: not-checked-by-the-mock", ""));
        return file;
    }
}
