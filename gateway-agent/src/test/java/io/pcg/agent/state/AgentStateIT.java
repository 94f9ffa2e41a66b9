package io.pcg.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent's state moving into the gateway cluster at the pivot and back at a reset, on a real API server. */
@ExtendWith(KubeApiServerExtension.class)
class AgentStateIT {

    private static final StateSettings INSTALLER = new StateSettings(false, StateSettings.DEFAULT_SECRET);
    private static final StateSettings REPLICA = new StateSettings(true, StateSettings.DEFAULT_SECRET);

    @TempDir
    Path installerDir;

    @TempDir
    Path replicaDir;

    private ManagementCluster installerCluster;
    private ManagementCluster replicaCluster;

    @AfterEach
    void close() {
        if (installerCluster != null) {
            installerCluster.close();
        }
        if (replicaCluster != null) {
            replicaCluster.close();
        }
    }

    @Test
    void theStateMovesIntoTheClusterWhereAReplicaReadsItAndBackAtAReset(KubeApiServer server, TestNamespace namespace)
            throws IOException {
        installerCluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
        AgentState installer = new AgentState(installerDir, INSTALLER, installerCluster, namespace.name());
        installer.share("gateway-cluster.json", "keys/account.key");
        installer.write("gateway-cluster.json", bytes("{\"state\":\"RUNNING\"}"));
        installer.write("keys/account.key", bytes("0123456789abcdef0123456789abcdef"));
        installer.write("events.log", bytes("not shared"));
        assertThat(installer.inCluster()).isFalse();
        assertThat(secret(server, namespace))
                .as("nothing in the cluster before the pivot")
                .isNull();

        installer.moveIntoCluster(server.kubeconfig());

        assertThat(installer.inCluster()).isTrue();
        assertThat(installerDir.resolve("gateway-cluster.json"))
                .as("no stale copy")
                .doesNotExist();
        assertThat(installerDir.resolve("events.log"))
                .as("what is not shared stays")
                .exists();
        assertThat(secret(server, namespace).getData()).containsOnlyKeys("gateway-cluster.json", "keys.account.key");
        assertThat(installer.describe("keys/account.key"))
                .isEqualTo("key keys.account.key of Secret " + namespace.name() + "/pcg-agent-state");

        replicaCluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
        AgentState replica = new AgentState(replicaDir, REPLICA, replicaCluster, namespace.name());
        assertThat(replica.inCluster()).isTrue();
        assertThat(text(replica, "gateway-cluster.json")).isEqualTo("{\"state\":\"RUNNING\"}");
        replica.write("gateway-cluster.json", bytes("{\"state\":\"PROVISIONING\"}"));
        assertThat(text(installer, "gateway-cluster.json"))
                .as("one replica's write is what the next leader reads")
                .isEqualTo("{\"state\":\"PROVISIONING\"}");
        assertThat(text(installer, "keys/account.key")).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThatThrownBy(replica::moveToLocal)
                .as("a replica has no state folder to take the state back into")
                .hasMessageContaining("installer VM");

        installer.moveIntoCluster(server.kubeconfig());
        assertThat(text(installer, "gateway-cluster.json"))
                .as("moving in again changes nothing")
                .isEqualTo("{\"state\":\"PROVISIONING\"}");

        installer.moveToLocal();

        assertThat(installer.inCluster()).isFalse();
        assertThat(Files.readString(installerDir.resolve("gateway-cluster.json")))
                .isEqualTo("{\"state\":\"PROVISIONING\"}");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(installerDir.resolve("keys/account.key"))))
                .isEqualTo("rw-------");
        assertThat(secret(server, namespace).getData())
                .as("the cluster keeps no copy once the state is back")
                .isNullOrEmpty();
    }

    @Test
    void anInstallerRestartedAfterThePivotFollowsItsStateToTheGatewayCluster(
            KubeApiServer server, TestNamespace namespace, @TempDir Path elsewhere) throws IOException {
        installerCluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
        AgentState before = new AgentState(installerDir, INSTALLER, installerCluster, namespace.name());
        before.share("gateway-cluster.json");
        before.write("gateway-cluster.json", bytes("{\"phase\":\"MOVED\"}"));
        before.moveIntoCluster(server.kubeconfig());

        // Restarted, it starts on its configured (bootstrap) kubeconfig, a cluster that is gone after the pivot.
        Path gone = elsewhere.resolve("bootstrap.kubeconfig");
        Files.writeString(
                gone, Files.readString(server.kubeconfig()).replaceAll("server: \\S+", "server: https://127.0.0.1:1"));
        replicaCluster = new ManagementCluster(KubeConfig.of(gone));
        AgentState after = new AgentState(installerDir, INSTALLER, replicaCluster, namespace.name());
        after.followIntoCluster();

        assertThat(replicaCluster.kubeconfig()).contains(server.kubeconfig());
        assertThat(text(after, "gateway-cluster.json")).isEqualTo("{\"phase\":\"MOVED\"}");
    }

    private static Secret secret(KubeApiServer server, TestNamespace namespace) {
        return server.client()
                .secrets()
                .inNamespace(namespace.name())
                .withName(StateSettings.DEFAULT_SECRET)
                .get();
    }

    private static String text(StateStorage storage, String name) throws IOException {
        return new String(storage.read(name).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
