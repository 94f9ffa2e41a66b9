package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/pcg-installer, the way reviewers and the appliance run it: a separate JVM from the shaded jar. */
class InstallerCliIT {

    @TempDir
    Path dir;

    @Test
    void validatesAndAppliesFromTheCommandLineWithoutPrintingSecrets() throws Exception {
        String good = RepoFiles.path(OvfEnvFiles.PROXIED).toString();
        String bad = RepoFiles.path(OvfEnvFiles.INVALID).toString();

        ExternalTool.Result valid =
                PcgInstaller.run(dir, "validate", "--ovf-env", good, "--vm-network", PcgInstaller.VM_NETWORK);
        ExternalTool.Result applied = PcgInstaller.run(
                dir,
                "apply",
                "--ovf-env",
                good,
                "--root",
                dir.resolve("root").toString(),
                "--vm-network",
                PcgInstaller.VM_NETWORK);
        ExternalTool.Result invalid =
                PcgInstaller.run(dir, "validate", "--ovf-env", bad, "--vm-network", PcgInstaller.VM_NETWORK);

        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        assertThat(applied.output())
                .contains("pcg-installer: wrote /etc/pcg/agent.yml (mode 0600)", "pcg-installer: done");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.output().lines().filter(line -> line.startsWith("pcg-installer: ERROR ")))
                .hasSize(8);
        assertThat(valid.output() + applied.output() + invalid.output())
                .doesNotContain(OvfEnvFiles.PIN, OvfEnvFiles.PROXY_PASSWORD, OvfEnvFiles.PROXY_PASSWORD_ENCODED);
    }
}
