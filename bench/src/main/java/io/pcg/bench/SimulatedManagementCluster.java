package io.pcg.bench;

import io.pcg.agent.ipam.IpamFixture;
import io.pcg.agent.kube.MockKubeApi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The demo's management cluster: the fabric8 mock API in CRUD mode serving the upstream CAPI, CAPV and IPAM CRDs,
 * reachable through the kubeconfig it writes. It stands in for the local kind cluster that the bootstrap creates
 * on a real appliance; it keeps everything in memory and runs until the process is stopped.
 *
 * <p>Usage: {@code SimulatedManagementCluster KUBECONFIG_PATH} (needs {@code -Dpcg.shared.dir}).
 */
public final class SimulatedManagementCluster {

    private SimulatedManagementCluster() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SimulatedManagementCluster KUBECONFIG_PATH");
            System.exit(2);
        }
        MockKubeApi api = MockKubeApi.start();
        Runtime.getRuntime().addShutdownHook(new Thread(api::close));
        Path kubeconfig = Path.of(args[0]);
        Path written = Files.writeString(kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp"), String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: management",
                "clusters:", "- name: management", "  cluster:", "    server: " + api.url(),
                "contexts:", "- name: management", "  context:", "    cluster: management", "    user: agent",
                "    namespace: " + IpamFixture.NAMESPACE,
                "users:", "- name: agent", "  user:", "    token: simulated", ""));
        // Renamed into place only when complete, so a reader polling for the file never sees half of it.
        Files.move(written, kubeconfig, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("management cluster API at " + api.url());
        new CountDownLatch(1).await();
    }
}
