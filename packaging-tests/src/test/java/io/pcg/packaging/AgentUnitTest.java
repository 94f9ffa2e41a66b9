package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pcg-agent.service, the image's provisioning and docs/agent.md name the same jar, flags and archive, and the unit
 * runs the agent as its own user with systemd's sandboxing.
 */
class AgentUnitTest {

    private static final String ARCHIVE = "/opt/pcg/agent.jsa";

    @Test
    void unitRunsTheInstalledJarWithTheMeasuredFlagsAndTheImagesArchive() throws Exception {
        AgentUnit unit = AgentUnit.read();

        assertThat(unit.execStart()).startsWith("/usr/bin/java").endsWith("-jar", AgentUnit.INSTALLED_JAR);
        assertThat(unit.execStart())
                .contains(
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Xss512k",
                        "-Xmx128m",
                        "-Xms32m",
                        "-Xmn8m",
                        "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
                        "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1",
                        "-XX:MaxMetaspaceSize=96m",
                        "-XX:ReservedCodeCacheSize=32m",
                        "-Xshare:auto",
                        "-XX:SharedArchiveFile=" + ARCHIVE);
        assertThat(unit.environment()).containsEntry("MICRONAUT_CONFIG_FILES", "/etc/pcg/agent.yml");
    }

    @Test
    void imageInstallsThatJarAndBuildsTheArchiveFromTheUnitsCommand() throws Exception {
        String provision = Files.readString(RepoFiles.path("ova-build/packer/scripts/provision.sh"));

        assertThat(provision)
                .contains(
                        "\"$STAGING/gateway-agent.jar\" " + AgentUnit.INSTALLED_JAR,
                        "sed -n 's/^ExecStart=//p' \"$unit\"",
                        "-XX:ArchiveClassesAtExit=$archive");
        int call = provision.indexOf("\nbuild_agent_cds_archive\n");
        int unitInstall = provision.indexOf("install -m 0644 \"$unit\" /etc/systemd/system/");
        assertThat(unitInstall).as("provision.sh installs the units").isPositive();
        assertThat(call)
                .as("provision.sh calls build_agent_cds_archive after installing the jar and the unit")
                .isGreaterThan(provision.indexOf(AgentUnit.INSTALLED_JAR))
                .isGreaterThan(unitInstall);
    }

    @Test
    void runsAsItsOwnUserNeverRootWithTheHardeningOptions() throws Exception {
        AgentUnit unit = AgentUnit.read();

        assertThat(unit.last("User")).isEqualTo("pcg");
        assertThat(unit.last("Group")).isEqualTo("pcg");
        assertThat(unit.last("SupplementaryGroups"))
                .as("kind reaches Docker through its group")
                .isEqualTo("docker");
        assertThat(unit.service().get("ExecStart"))
                .as("no '+'/'!' prefix: ExecStart runs with the unit's user")
                .allSatisfy(command -> assertThat(command).startsWith("/"));
        assertThat(unit.service()).doesNotContainKeys("DynamicUser", "PermissionsStartOnly");
        assertThat(unit.last("StateDirectory")).isEqualTo("pcg");
        assertThat(unit.last("StateDirectoryMode")).isEqualTo("0700");
        assertThat(unit.last("UMask")).isEqualTo("0077");
        for (String option : List.of(
                "NoNewPrivileges",
                "ProtectHome",
                "PrivateTmp",
                "PrivateDevices",
                "ProtectKernelTunables",
                "ProtectKernelModules",
                "ProtectKernelLogs",
                "ProtectControlGroups",
                "RestrictSUIDSGID",
                "LockPersonality",
                "RestrictRealtime",
                "RestrictNamespaces",
                "ProtectClock",
                "ProtectHostname",
                "RemoveIPC",
                "PrivateMounts")) {
            assertThat(unit.last(option)).as(option).isEqualTo("yes");
        }
        assertThat(unit.last("ProtectSystem")).isEqualTo("strict");
        assertThat(unit.last("ReadWritePaths").split(" "))
                .as("only what the agent writes outside its own directories")
                .containsExactlyInAnyOrder("/etc/pcg", "-/etc/issue.d");
        assertThat(unit.last("CapabilityBoundingSet"))
                .as("no capability at all")
                .isEmpty();
        assertThat(unit.last("AmbientCapabilities")).isEmpty();
        assertThat(unit.last("SystemCallArchitectures")).isEqualTo("native");
        assertThat(unit.service().get("SystemCallFilter")).containsExactly("@system-service", "~@privileged");
        assertThat(unit.last("RestrictAddressFamilies").split(" "))
                .containsExactlyInAnyOrder("AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK");
    }

    @Test
    void imageCreatesTheAgentsUserAndTheFoldersItMayWriteIn() throws Exception {
        String provision = Files.readString(RepoFiles.path("ova-build/packer/scripts/provision.sh"));

        assertThat(provision)
                .contains(
                        "useradd --system --user-group --home-dir /var/lib/pcg --no-create-home --shell /usr/sbin/nologin pcg",
                        "usermod --append --groups docker pcg",
                        "install -d -m 1770 -o root -g pcg /etc/pcg",
                        "install -d -m 1775 -o root -g pcg /etc/issue.d");
        int dockerChecked = provision.indexOf("required_packages=(");
        assertThat(provision.substring(dockerChecked))
                .as("provision.sh checks that the base disk has Docker")
                .startsWith("required_packages=(")
                .contains(" docker.io ");
        assertThat(provision.indexOf("useradd --system"))
                .as("the docker group exists before the user joins it")
                .isGreaterThan(dockerChecked);
    }

    @Test
    void docsShowTheUnitsCommand() throws Exception {
        String docs = String.join(
                " ", Files.readString(RepoFiles.path("docs/agent.md")).split("\\s+"));

        assertThat(docs).contains(String.join(" ", AgentUnit.read().execStart()));
        for (String doc : List.of("docs/agent.md", "docs/installer.md")) {
            assertThat(Files.readString(RepoFiles.path(doc))).as(doc).doesNotContain("gateway-agent-all.jar");
        }
    }
}
