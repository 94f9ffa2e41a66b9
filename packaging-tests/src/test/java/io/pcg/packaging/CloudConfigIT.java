package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Every cloud-config we ship passes Debian's cloud-init schema check. */
class CloudConfigIT {

    @TempDir
    Path dir;

    /** The only cloud-config in the image: the OVA's base disk is built from packages, without an autoinstall seed. */
    @Test
    void passesTheCloudInitSchema() throws Exception {
        String file = "cloud-init/pcg-installer.cfg";
        ExternalTool.Result result = schema(RepoFiles.path(file));

        assertThat(result.exitCode())
                .as("cloud-init schema " + file + ":\n" + result.output())
                .isZero();
        assertThat(result.output()).contains("Valid cloud-config");
    }

    @Test
    void theSchemaCheckReallyRejectsABadConfig() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.cfg"), "#cloud-config\nruncmd: 5\n");

        assertThat(schema(bad).exitCode()).isNotZero();
    }

    @Test
    void firstBootRunsTheInstallerWithPasswordLoginOffAndOutputInTheLogOperatorsRead() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(RepoFiles.path("cloud-init/pcg-installer.cfg")));

        assertThat(config.get("ssh_pwauth")).isEqualTo(false);
        assertThat(config.get("runcmd")).isEqualTo(List.of(List.of("/usr/local/bin/pcg-installer", "apply")));
        assertThat(config.get("output")).isEqualTo(Map.of("all", "| tee -a /var/log/cloud-init-output.log"));
        assertThat(config.get("ntp")).isEqualTo(Map.of("enabled", true, "ntp_client", "chrony"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ubuntu = ((List<Map<String, Object>>) config.get("users")).get(0);
        assertThat(ubuntu).containsEntry("name", "ubuntu").containsEntry("lock_passwd", true);
    }

    private static ExternalTool.Result schema(Path file) throws Exception {
        return ExternalTool.run(
                file.getParent(),
                Map.of(),
                ExternalTool.require("cloud-init"),
                "schema",
                "--config-file",
                file.toString());
    }
}
