package io.pcg.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The appliance template passes Debian's packer 1.6.6, whose builders are compiled in (nothing is downloaded). */
class PackerTemplateIT {

    private static final Path TEMPLATE_DIR = RepoFiles.path("ova-build/packer");

    @TempDir
    Path dir;

    @Test
    void isFormatted() throws Exception {
        ExternalTool.Result result = ExternalTool.run(TEMPLATE_DIR, Map.of(), ExternalTool.require("packer"), "fmt", "-check", "-diff", ".");

        assertThat(result.exitCode()).as("packer fmt -check:\n" + result.output()).isZero();
    }

    @Test
    void validatesWithThePinnedVariables() throws Exception {
        // The jars are build outputs and vCenter is the builder's own: stand-ins, since validate checks they are set.
        Path jar = Files.createFile(dir.resolve("stand-in.jar"));
        ExternalTool.Result result = ExternalTool.run(TEMPLATE_DIR, Map.of(), ExternalTool.require("packer"), "validate",
                "-var-file=pcg-installer.pkrvars.hcl",
                "-var", "agent_jar=" + jar, "-var", "installer_jar=" + jar, "-var", "pcg_cli_jar=" + jar,
                "-var", "output_directory=" + dir.resolve("output"),
                "-var", "vcenter_server=vcenter.example.com", "-var", "vcenter_username=packer@vsphere.local",
                "-var", "vcenter_password=unused", "-var", "vcenter_datacenter=dc1", "-var", "vcenter_cluster=cluster1",
                "-var", "vcenter_datastore=datastore1", "-var", "vcenter_network=VM Network",
                ".");

        assertThat(result.exitCode()).as("packer validate:\n" + result.output()).isZero();
        assertThat(Files.readString(TEMPLATE_DIR.resolve("pcg-installer.pkr.hcl"))).doesNotContainPattern("required_plugins\\s*=?\\s*\\{");
    }

    @Test
    void pinsTheClusterApiVersionsOfTheSharedCrds() throws Exception {
        String sources = Files.readString(Path.of(System.getProperty("pcg.shared.dir"), "crds", "SOURCES.md"));
        String variables = Files.readString(TEMPLATE_DIR.resolve("pcg-installer.pkrvars.hcl"));

        assertThat(sources).contains("| cluster-api/ | kubernetes-sigs/cluster-api | v" + pinned(variables, "capi_version") + " |",
                "| capv/ | kubernetes-sigs/cluster-api-provider-vsphere | v" + pinned(variables, "capv_version") + " |",
                "| cluster-api-ipam-provider-in-cluster/ | kubernetes-sigs/cluster-api-ipam-provider-in-cluster | v"
                        + pinned(variables, "ipam_in_cluster_version") + " |");
    }

    private static String pinned(String variables, String name) {
        return variables.lines().filter(line -> line.matches(name + "\\s*=.*")).findFirst()
                .map(line -> line.replaceAll(".*\"(.*)\".*", "$1"))
                .orElseThrow(() -> new AssertionError(name + " is not set in pcg-installer.pkrvars.hcl"));
    }
}
