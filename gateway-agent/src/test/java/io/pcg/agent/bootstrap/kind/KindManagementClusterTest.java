package io.pcg.agent.bootstrap.kind;

import static io.pcg.agent.bootstrap.ScriptedCommandRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.agent.bootstrap.BootstrapConfig;
import io.pcg.agent.bootstrap.ScriptedCommandRunner;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.process.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KindManagementClusterTest {

    @TempDir
    static Path image;

    private static BootstrapConfig config() throws java.io.IOException {
        Path versions = image.resolve("versions.env");
        Files.writeString(
                versions,
                "KUBERNETES_VERSION=v1.34.4\nCAPI_VERSION=v1.13.5\nCAPV_VERSION=v1.16.1\n"
                        + "IPAM_IN_CLUSTER_VERSION=v1.0.3\n");
        return new BootstrapConfig(
                versions,
                Path.of("/usr/bin/kind"),
                Path.of("/usr/bin/clusterctl"),
                "pcg-bootstrap",
                Path.of("/etc/pcg/clusterctl.yaml"),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10));
    }

    @Test
    void createsTheClusterWithThePinnedNodeImageAndWritesItsKubeconfigPrivately(@TempDir Path state) throws Exception {
        ScriptedCommandRunner kind = new ScriptedCommandRunner(command -> switch (command.get(2)) {
            case "clusters" -> ok("No kind clusters found.\n");
            case "kubeconfig" -> ok("apiVersion: v1\nkind: Config\n");
            default -> ok("");
        });
        Path kubeconfig =
                new KindManagementCluster(config(), kind, state.resolve("bootstrap.kubeconfig")).ensureCluster();

        assertThat(kind.commands())
                .containsExactly(
                        List.of("/usr/bin/kind", "get", "clusters"),
                        List.of(
                                "/usr/bin/kind",
                                "create",
                                "cluster",
                                "--name",
                                "pcg-bootstrap",
                                "--image",
                                "kindest/node:v1.34.4",
                                "--kubeconfig",
                                kubeconfig.toString(),
                                "--wait",
                                "300s"),
                        List.of("/usr/bin/kind", "get", "kubeconfig", "--name", "pcg-bootstrap"));
        assertThat(Files.readString(kubeconfig)).isEqualTo("apiVersion: v1\nkind: Config\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)))
                .isEqualTo("rw-------");
    }

    @Test
    void anExistingClusterIsReusedAfterARestart(@TempDir Path state) throws Exception {
        ScriptedCommandRunner kind = new ScriptedCommandRunner(command -> switch (command.get(2)) {
            case "clusters" -> ok("other\npcg-bootstrap\n");
            case "kubeconfig" -> ok("apiVersion: v1\n");
            case "cluster" -> ok("Deleting cluster \"pcg-bootstrap\" ...\n");
            default -> throw new AssertionError("unexpected " + command);
        });
        new KindManagementCluster(config(), kind, state.resolve("k")).ensureCluster();
        new KindManagementCluster(config(), kind, state.resolve("k")).deleteCluster();

        assertThat(kind.commands())
                .extracting(c -> String.join(" ", c.subList(1, 3)))
                .containsExactly("get clusters", "get kubeconfig", "get clusters", "delete cluster");
    }

    @Test
    void aFailedCreateSaysWhatKindSaidAndWhatToCheck(@TempDir Path state) throws Exception {
        BootstrapConfig config = config();
        ScriptedCommandRunner kind =
                new ScriptedCommandRunner(command -> command.get(1).equals("create")
                        ? new CommandRunner.Result(
                                1, "", "ERROR: failed to create cluster: could not find a log line that matches")
                        : ok(""));
        assertThatThrownBy(() -> new KindManagementCluster(config, kind, state.resolve("k")).ensureCluster())
                .isInstanceOfSatisfying(OperatorException.class, e -> {
                    assertThat(e.code()).isEqualTo("BOOTSTRAP_KIND_FAILED");
                    assertThat(e.getMessage())
                            .contains("creating the kind management cluster 'pcg-bootstrap' failed (exit 1)")
                            .contains("could not find a log line");
                    assertThat(e.hint()).contains("container engine");
                });
        assertThat(state.resolve("k")).doesNotExist();
    }
}
