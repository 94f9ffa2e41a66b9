package io.pcg.agent.bootstrap;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.process.CommandRunner;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster API in a cluster, through {@code clusterctl}: installs the pinned providers ({@code clusterctl init}) and
 * moves a cluster's objects between management clusters ({@code clusterctl move}, the pivot).
 *
 * <p>IP addresses: {@code init} installs the upstream in-cluster IPAM provider for its CRDs and its place in the
 * provider inventory (which {@code move} checks on both sides), but the agent itself answers the claims on
 * InClusterIPPools, with the pool semantics the console promises (restricted pools, VIPs, grace periods). Two
 * providers answering the same claims would hand out addresses twice, so the upstream controller is scaled to zero
 * right after every install.
 */
@Singleton
public class ClusterApiProviders {

    static final String INIT_FAILED = "BOOTSTRAP_CLUSTERCTL_INIT_FAILED";
    static final String MOVE_FAILED = "PIVOT_CLUSTERCTL_MOVE_FAILED";
    /** Where clusterctl installs the upstream in-cluster IPAM controller. */
    static final String UPSTREAM_IPAM_NAMESPACE = "capi-ipam-in-cluster-system";

    static final String UPSTREAM_IPAM_DEPLOYMENT = "capi-ipam-in-cluster-controller-manager";
    /** clusterctl's provider inventory: one object per installed provider. */
    static final ResourceDefinitionContext PROVIDERS = new ResourceDefinitionContext.Builder()
            .withGroup("clusterctl.cluster.x-k8s.io")
            .withVersion("v1alpha3")
            .withKind("Provider")
            .withPlural("providers")
            .withNamespaced(true)
            .build();
    /** The providers a gateway needs, by their clusterctl names. */
    static final Set<String> REQUIRED = Set.of(
            "cluster-api", "bootstrap-kubeadm", "control-plane-kubeadm", "infrastructure-vsphere", "ipam-in-cluster");

    private static final Logger LOG = LoggerFactory.getLogger(ClusterApiProviders.class);

    private final BootstrapConfig config;
    private final CommandRunner runner;

    public ClusterApiProviders(BootstrapConfig config, @Named(BootstrapFactory.TOOLS) CommandRunner runner) {
        this.config = config;
        this.runner = runner;
    }

    /**
     * Installs the pinned providers into the cluster behind {@code kubeconfig} unless they are all there, waits until
     * they run, and turns the upstream IPAM controller off. Safe to call again after a crash at any point.
     */
    public void install(Path kubeconfig) throws OperatorException {
        try (KubernetesClient client = client(kubeconfig)) {
            Set<String> installed = installedProviders(client);
            if (!installed.containsAll(REQUIRED)) {
                ProviderVersions versions = ProviderVersions.read(config.versionsFile());
                List<String> command = new ArrayList<>(List.of(
                        clusterctl(),
                        "init",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--core",
                        "cluster-api:" + versions.capi(),
                        "--bootstrap",
                        "kubeadm:" + versions.capi(),
                        "--control-plane",
                        "kubeadm:" + versions.capi(),
                        "--infrastructure",
                        "vsphere:" + versions.capv(),
                        "--ipam",
                        "in-cluster:" + versions.ipamInCluster(),
                        "--wait-providers",
                        "--wait-provider-timeout",
                        Long.toString(config.clusterctlTimeout().toSeconds())));
                if (Files.isRegularFile(config.clusterctlConfig())) {
                    command.addAll(List.of("--config", config.clusterctlConfig().toString()));
                }
                ToolRun.run(
                        runner,
                        command,
                        INIT_FAILED,
                        "installing Cluster API (clusterctl init, providers missing: "
                                + REQUIRED.stream()
                                        .filter(p -> !installed.contains(p))
                                        .sorted()
                                        .collect(Collectors.joining(", "))
                                + ")",
                        "Check the provider repository in " + config.clusterctlConfig()
                                + " (an air-gapped site needs a "
                                + "local one) and the proxy settings; 'pcg logs' collects clusterctl's output.");
            }
            disableUpstreamIpam(client);
        }
    }

    /** Moves the Cluster API objects of {@code namespace} from one management cluster to another. */
    public void move(Path from, Path to, String namespace) throws OperatorException {
        ToolRun.run(
                runner,
                List.of(
                        clusterctl(),
                        "move",
                        "--kubeconfig",
                        from.toString(),
                        "--to-kubeconfig",
                        to.toString(),
                        "--namespace",
                        namespace),
                MOVE_FAILED,
                "moving the Cluster API objects of namespace " + namespace + " (clusterctl move)",
                "The move is safe to repeat: the agent retries it. If it keeps failing, check that both clusters answer "
                        + "and that Cluster API runs in the target ('pcg logs').");
    }

    private Set<String> installedProviders(KubernetesClient client) throws OperatorException {
        try {
            return client.genericKubernetesResources(PROVIDERS).inAnyNamespace().list().getItems().stream()
                    .map(provider ->
                            String.valueOf(provider.getAdditionalProperties().get("providerName")))
                    .collect(Collectors.toSet());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Set.of(); // no inventory CRD yet: nothing is installed
            }
            throw new OperatorException(
                    INIT_FAILED,
                    "cannot read the Cluster API provider inventory: " + e.getMessage(),
                    "Check that the cluster answers; the agent retries.",
                    e);
        }
    }

    private void disableUpstreamIpam(KubernetesClient client) throws OperatorException {
        try {
            var deployment = client.apps()
                    .deployments()
                    .inNamespace(UPSTREAM_IPAM_NAMESPACE)
                    .withName(UPSTREAM_IPAM_DEPLOYMENT);
            var current = deployment.get();
            if (current != null
                    && (current.getSpec().getReplicas() == null
                            || current.getSpec().getReplicas() != 0)) {
                deployment.scale(0);
                LOG.info("upstream in-cluster IPAM controller scaled to 0: the agent answers InClusterIPPool claims");
            }
        } catch (KubernetesClientException e) {
            throw new OperatorException(
                    INIT_FAILED,
                    "cannot turn off the upstream in-cluster IPAM controller: " + e.getMessage(),
                    "Two IPAM providers must never answer the same claims; the agent retries this before it goes on.",
                    e);
        }
    }

    private KubernetesClient client(Path kubeconfig) throws OperatorException {
        try {
            return new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                    .build();
        } catch (IOException e) {
            throw new OperatorException(
                    INIT_FAILED,
                    "cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(),
                    "The agent writes it when it creates the cluster; it retries.",
                    e);
        }
    }

    private String clusterctl() {
        return config.clusterctl().toString();
    }
}
