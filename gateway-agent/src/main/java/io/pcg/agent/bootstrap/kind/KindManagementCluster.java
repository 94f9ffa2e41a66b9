package io.pcg.agent.bootstrap.kind;

import io.pcg.agent.bootstrap.BootstrapConfig;
import io.pcg.agent.bootstrap.ManagementClusterBootstrap;
import io.pcg.agent.bootstrap.ProviderVersions;
import io.pcg.agent.bootstrap.ToolRun;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The management cluster as a kind cluster on the appliance. kind passes the agent's proxy environment
 * (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) on to its node, and the node image is the one the image build pre-loads, so
 * nothing is pulled at this point.
 */
public final class KindManagementCluster implements ManagementClusterBootstrap {

    static final String CREATE_FAILED = "BOOTSTRAP_KIND_FAILED";
    private static final String NODE_IMAGE = "kindest/node:";

    private final BootstrapConfig config;
    private final CommandRunner runner;
    private final Path kubeconfig;

    /**
     * @param kubeconfig where the cluster's kubeconfig is written (in the agent's state folder)
     */
    public KindManagementCluster(BootstrapConfig config, CommandRunner runner, Path kubeconfig) {
        this.config = config;
        this.runner = runner;
        this.kubeconfig = kubeconfig;
    }

    @Override
    public Path ensureCluster() throws OperatorException {
        if (!exists()) {
            ProviderVersions versions = ProviderVersions.read(config.versionsFile());
            run(
                    List.of(
                            kind(),
                            "create",
                            "cluster",
                            "--name",
                            config.clusterName(),
                            "--image",
                            NODE_IMAGE + versions.kubernetes(),
                            "--kubeconfig",
                            kubeconfig.toString(),
                            "--wait",
                            config.kindTimeout().toSeconds() + "s"),
                    "creating the kind management cluster '" + config.clusterName() + "'");
        }
        // Written again from kind on every call: after a crash the file may be older than the cluster.
        CommandRunner.Result exported = run(
                List.of(kind(), "get", "kubeconfig", "--name", config.clusterName()),
                "reading the kubeconfig of the kind cluster '" + config.clusterName() + "'");
        try {
            AtomicFiles.write(kubeconfig, exported.stdout().getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new OperatorException(
                    CREATE_FAILED,
                    "cannot write " + kubeconfig + ": " + e.getMessage(),
                    "Check that the agent's state folder is writable and the disk is not full.",
                    e);
        }
        return kubeconfig;
    }

    @Override
    public void deleteCluster() throws OperatorException {
        if (exists()) {
            run(
                    List.of(kind(), "delete", "cluster", "--name", config.clusterName()),
                    "deleting the kind management cluster '" + config.clusterName() + "'");
        }
    }

    private boolean exists() throws OperatorException {
        CommandRunner.Result clusters = run(List.of(kind(), "get", "clusters"), "listing kind clusters");
        return clusters.stdout().lines().map(String::strip).anyMatch(config.clusterName()::equals);
    }

    private CommandRunner.Result run(List<String> command, String what) throws OperatorException {
        return ToolRun.run(
                runner,
                command,
                CREATE_FAILED,
                what,
                "Check that the container engine runs (systemctl status "
                        + "docker), that the disk has room and that " + config.kind()
                        + " exists (pcg.agent.bootstrap.kind); "
                        + "'pcg logs' collects kind's output.");
    }

    private String kind() {
        return config.kind().toString();
    }
}
