package io.pcg.installer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/pcg-installer, the way reviewers and the appliance run it: a separate JVM from the shaded jar. */
class InstallerCliIT {

    @TempDir
    Path dir;

    @Test
    void validatesAndAppliesFromTheCommandLineWithoutPrintingSecrets() throws Exception {
        String script = RepoFiles.path("scripts/pcg-installer").toString();
        String good = RepoFiles.path("installer/src/test/resources/ovf-env/vsphere-proxy.xml").toString();
        String bad = RepoFiles.path("installer/src/test/resources/ovf-env/invalid-everything.xml").toString();

        ExternalTool.Result valid = ExternalTool.run(dir, Map.of(), "bash", script, "validate", "--ovf-env", good,
                "--vm-network", OvfEnvFixture.VM_NETWORK);
        ExternalTool.Result applied = ExternalTool.run(dir, Map.of(), "bash", script, "apply", "--ovf-env", good,
                "--root", dir.resolve("root").toString(), "--vm-network", OvfEnvFixture.VM_NETWORK);
        ExternalTool.Result invalid = ExternalTool.run(dir, Map.of(), "bash", script, "validate", "--ovf-env", bad,
                "--vm-network", OvfEnvFixture.VM_NETWORK);

        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("pcg-installer: wrote /etc/pcg/agent.yml (mode 0600)", "pcg-installer: done");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.output().lines().filter(line -> line.startsWith("pcg-installer: ERROR "))).hasSize(8);
        assertThat(valid.output() + applied.output() + invalid.output()).doesNotContain(OvfEnvFixture.PIN,
                OvfEnvFixture.PROXY_PASSWORD, OvfEnvFixture.PROXY_PASSWORD_ENCODED);
    }
}
