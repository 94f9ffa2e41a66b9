package io.pcg.packaging;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** pcg-agent.service, the image's provisioning and docs/agent.md name the same jar, flags and archive. */
class AgentUnitTest {

    private static final String ARCHIVE = "/opt/pcg/agent.jsa";

    @Test
    void unitRunsTheInstalledJarWithTheMeasuredFlagsAndTheImagesArchive() throws Exception {
        AgentUnit unit = AgentUnit.read();

        assertThat(unit.execStart()).startsWith("/usr/bin/java").endsWith("-jar", AgentUnit.INSTALLED_JAR);
        assertThat(unit.execStart()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx128m",
                "-Xms32m", "-Xmn8m", "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
                "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=32m", "-Xshare:auto",
                "-XX:SharedArchiveFile=" + ARCHIVE);
        assertThat(unit.environment()).containsEntry("MICRONAUT_CONFIG_FILES", "/etc/pcg/agent.yml");
    }

    @Test
    void imageInstallsThatJarAndBuildsTheArchiveFromTheUnitsCommand() throws Exception {
        String provision = Files.readString(RepoFiles.path("ova-build/packer/scripts/provision.sh"));

        assertThat(provision).contains("\"$STAGING/gateway-agent.jar\" " + AgentUnit.INSTALLED_JAR,
                "sed -n 's/^ExecStart=//p' \"$unit\"", "-XX:ArchiveClassesAtExit=$archive");
        int call = provision.indexOf("\nbuild_agent_cds_archive\n");
        assertThat(call).as("provision.sh calls build_agent_cds_archive after installing the jar and the unit")
                .isGreaterThan(provision.indexOf(AgentUnit.INSTALLED_JAR))
                .isGreaterThan(provision.indexOf("\"$STAGING\"/systemd/*.service /etc/systemd/system/"));
    }

    @Test
    void docsShowTheUnitsCommand() throws Exception {
        String docs = String.join(" ", Files.readString(RepoFiles.path("docs/agent.md")).split("\\s+"));

        assertThat(docs).contains(String.join(" ", AgentUnit.read().execStart()));
        for (String doc : List.of("docs/agent.md", "docs/installer.md")) {
            assertThat(Files.readString(RepoFiles.path(doc))).as(doc).doesNotContain("gateway-agent-all.jar");
        }
    }
}
