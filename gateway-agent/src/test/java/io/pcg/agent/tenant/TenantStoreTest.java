package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.agent.state.AgentState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant cluster's kubeconfig kept in the agent's state: in the state folder, the file the tools are given. */
class TenantStoreTest {

    @TempDir
    Path stateDir;

    @Test
    void aKubeconfigIsKeptAsTheToolsFileAndRemovedWithTheCluster() throws Exception {
        TenantStore store = new TenantStore(AgentState.local(stateDir));
        byte[] kubeconfig = "apiVersion: v1\nkind: Config\n".getBytes(StandardCharsets.UTF_8);

        assertThat(store.kubeconfig("tenant-a")).isEmpty();
        store.saveKubeconfig("tenant-a", kubeconfig);

        Path file = stateDir.resolve("tenants/tenant-a.kubeconfig");
        assertThat(file).hasBinaryContent(kubeconfig);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(store.kubeconfig("tenant-a").orElseThrow()).isEqualTo(kubeconfig);
        assertThat(store.kubeconfig("tenant-b")).isEmpty();

        store.removeKubeconfig("tenant-a");
        store.removeKubeconfig("tenant-a");
        assertThat(file).doesNotExist();
        assertThat(store.kubeconfig("tenant-a")).isEmpty();
    }
}
