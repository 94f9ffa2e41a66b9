package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance template passes Debian's packer 1.6.6, whose builders are compiled in (nothing is downloaded). */
class PackerTemplateIT {

    private static final Path TEMPLATE_DIR = RepoFiles.path("ova-build/packer");

    @TempDir
    Path dir;

    @Test
    void isFormatted() throws Exception {
        ExternalTool.Result result =
                ExternalTool.run(TEMPLATE_DIR, Map.of(), ExternalTool.require("packer"), "fmt", "-check", "-diff", ".");

        assertThat(result.exitCode())
                .as("packer fmt -check:\n" + result.output())
                .isZero();
    }

    @Test
    void validatesWithThePinnedVariables() throws Exception {
        // The jars, the tools and the base disk are build outputs (ova-build/build.sh): stand-ins, since validate
        // checks that they are set.
        Path file = Files.createFile(dir.resolve("stand-in"));
        ExternalTool.Result result = ExternalTool.run(
                TEMPLATE_DIR,
                Map.of(),
                ExternalTool.require("packer"),
                "validate",
                "-var-file=pcg-installer.pkrvars.hcl",
                "-var",
                "agent_jar=" + file,
                "-var",
                "installer_jar=" + file,
                "-var",
                "pcg_cli_jar=" + file,
                "-var",
                "kind_binary=" + file,
                "-var",
                "clusterctl_binary=" + file,
                "-var",
                "base_disk=" + file,
                "-var",
                "base_disk_sha256=" + "0".repeat(64),
                "-var",
                "output_directory=" + dir.resolve("output"),
                ".");

        assertThat(result.exitCode()).as("packer validate:\n" + result.output()).isZero();
        assertThat(Files.readString(TEMPLATE_DIR.resolve("pcg-installer.pkr.hcl")))
                .doesNotContainPattern("required_plugins\\s*=?\\s*\\{");
    }

    @Test
    void pinsEveryShippedToolByItsSha256() throws Exception {
        for (String digest : java.util.List.of("kind_sha256", "clusterctl_sha256")) {
            assertThat(PackerVariables.pinned(digest)).as(digest).matches("[0-9a-f]{64}");
        }
    }

    @Test
    void pinsTheClusterApiVersionsOfTheSharedCrds() throws Exception {
        String sources = Files.readString(Path.of(System.getProperty("pcg.shared.dir"), "crds", "SOURCES.md"));

        assertThat(sources)
                .contains(
                        "| cluster-api/ | kubernetes-sigs/cluster-api | v" + PackerVariables.pinned("capi_version")
                                + " |",
                        "| capv/ | kubernetes-sigs/cluster-api-provider-vsphere | v"
                                + PackerVariables.pinned("capv_version") + " |",
                        "| cluster-api-ipam-provider-in-cluster/ | kubernetes-sigs/cluster-api-ipam-provider-in-cluster | v"
                                + PackerVariables.pinned("ipam_in_cluster_version") + " |");
    }
}
