package io.pcg.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.UpstreamCrds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The demo's management cluster: a real kube-apiserver + etcd (the test kit's) serving the upstream CAPI, CAPV and
 * IPAM CRDs, reachable through the kubeconfig it writes. It stands in for the local kind cluster that the bootstrap
 * creates on a real appliance (no kubelet and no controllers run; the agent is the IPAM provider) and runs until the
 * process is stopped, which stops the servers too.
 *
 * <p>Usage: {@code SimulatedManagementCluster KUBECONFIG_PATH NAMESPACE} (needs {@code -Dpcg.kube.bin}).
 */
public final class SimulatedManagementCluster {

    private SimulatedManagementCluster() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SimulatedManagementCluster KUBECONFIG_PATH NAMESPACE");
            System.exit(2);
        }
        KubeApiServer server = KubeApiServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        UpstreamCrds.install(server.client());
        server.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(args[1])
                        .endMetadata()
                        .build())
                .create();
        // Copied into place only when complete, so a reader polling for the file never sees half of it.
        Path kubeconfig = Path.of(args[0]);
        Path partial = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
        Files.copy(server.kubeconfig(), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, kubeconfig, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("management cluster API at " + server.url());
        new CountDownLatch(1).await();
    }
}
