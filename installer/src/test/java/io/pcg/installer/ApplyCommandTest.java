package io.pcg.installer;

import static io.pcg.installer.InstallerRun.filesUnder;
import static io.pcg.installer.InstallerRun.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.pcg.installer.ovf.OvfProperty;
import io.pcg.installer.validation.SshPublicKeyTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ApplyCommandTest {

    private static final List<String> SECRETS =
            List.of(OvfEnvFixture.PIN, OvfEnvFixture.PROXY_PASSWORD, OvfEnvFixture.PROXY_PASSWORD_ENCODED);
    private static final List<String> PROXY_FILES = List.of(
            "/etc/environment",
            "/etc/systemd/system/containerd.service.d/proxy.conf",
            "/etc/systemd/system/kubelet.service.d/proxy.conf",
            "/etc/systemd/system/pcg-agent.service.d/proxy.conf");

    @TempDir
    Path dir;

    private Path root() throws Exception {
        return Files.createDirectories(dir.resolve("root"));
    }

    private Path ovfEnv(OvfEnvFixture fixture) throws Exception {
        return Files.writeString(dir.resolve("ovf-env.xml"), fixture.xml());
    }

    private InstallerRun apply(Path ovfEnv, Path root) {
        return InstallerRun.run(
                InstallerRun.fakeHost(),
                "apply",
                "--ovf-env",
                ovfEnv.toString(),
                "--root",
                root.toString(),
                "--vm-network",
                OvfEnvFixture.VM_NETWORK);
    }

    @Test
    void writesTheAgentConfigKeyProxySettingsAndBannerWithTheirModes() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(
                root.resolve("etc/environment"),
                "PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\"\nhttp_proxy=http://stale:1\n");

        InstallerRun run = apply(ovfEnv(OvfEnvFixture.validWithProxy()), root);

        assertThat(run.exitCode()).as(run.stdout()).isZero();
        Map<String, String> files = filesUnder(root);
        assertThat(files)
                .containsOnlyKeys(List.of(
                        "/etc/pcg/agent.yml",
                        "/home/ubuntu/.ssh/authorized_keys",
                        "/etc/issue",
                        "/etc/environment",
                        "/etc/systemd/system/containerd.service.d/proxy.conf",
                        "/etc/systemd/system/kubelet.service.d/proxy.conf",
                        "/etc/systemd/system/pcg-agent.service.d/proxy.conf"));

        Map<String, Object> yaml = new Yaml().load(files.get("/etc/pcg/agent.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> agent = (Map<String, Object>) ((Map<String, Object>) yaml.get("pcg")).get("agent");
        assertThat(agent)
                .containsOnly(
                        entry("name", "vcenter-dc1"),
                        entry("console-endpoint", "https://console.example.com"),
                        entry("pairing-code", OvfEnvFixture.PIN),
                        entry("pod-cidr", "192.168.0.0/16"),
                        entry("service-cidr", "10.96.0.0/12"),
                        entry("state-dir", "/var/lib/pcg"),
                        entry("status-banner-file", "/etc/issue.d/pcg-agent.issue"),
                        entry("leader-election.enabled", "true"));
        assertThat(mode(root.resolve("etc/pcg/agent.yml"))).isEqualTo("rw-------");

        assertThat(files.get("/home/ubuntu/.ssh/authorized_keys")).isEqualTo(OvfEnvFixture.ED25519 + "\n");
        assertThat(mode(root.resolve("home/ubuntu/.ssh"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("home/ubuntu/.ssh/authorized_keys"))).isEqualTo("rw-------");

        String noProxy =
                "vcenter.example.com,.example.org,10.20.0.0/16,localhost,127.0.0.1,192.168.0.0/16,10.96.0.0/12,"
                        + ".svc,.cluster.local,10.10.0.0/24";
        assertThat(files.get("/etc/environment")).isEqualTo("""
                PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
                HTTP_PROXY="%1$s"
                HTTPS_PROXY="%1$s"
                NO_PROXY="%2$s"
                http_proxy="%1$s"
                https_proxy="%1$s"
                no_proxy="%2$s"
                """.formatted(OvfEnvFixture.PROXY, noProxy));
        String systemdProxy = OvfEnvFixture.PROXY.replace("%", "%%");
        for (String dropIn : PROXY_FILES.subList(1, PROXY_FILES.size())) {
            assertThat(files.get(dropIn))
                    .contains("[Service]\n")
                    .contains("Environment=\"HTTPS_PROXY=" + systemdProxy + "\"\n")
                    .contains("Environment=\"https_proxy=" + systemdProxy + "\"\n")
                    .contains("Environment=\"NO_PROXY=" + noProxy + "\"\n");
        }
        for (String proxyFile : PROXY_FILES) {
            assertThat(mode(root.resolve(proxyFile.substring(1)))).as(proxyFile).isEqualTo("rw-------");
        }

        assertThat(files.get("/etc/issue"))
                .contains(
                        "Gateway name : vcenter-dc1",
                        "IP address   : 10.10.0.7",
                        "Console      : https://console.example.com",
                        "Pairing      : the agent registers with the console using the pairing code (state below)",
                        "Proxy        : http://pcguser:<redacted>@proxy.example.com:3128",
                        OvfEnvFixture.ED25519_FINGERPRINT);
        assertThat(mode(root.resolve("etc/issue"))).isEqualTo("rw-r--r--");

        assertThat(run.stdout())
                .contains(
                        "pcg-installer: NO_PROXY=" + noProxy + "\n",
                        "recorded, not run (--root): systemctl daemon-reload",
                        "recorded, not run (--root): systemctl try-restart containerd.service kubelet.service",
                        "recorded, not run (--root): systemctl enable pcg-agent.service",
                        "recorded, not run (--root): systemctl restart pcg-agent.service",
                        "recorded, not run (--root): chown -R ubuntu:ubuntu /home/ubuntu/.ssh",
                        "recorded, not run (--root): chown pcg:pcg /etc/pcg/agent.yml");
    }

    @Test
    void secretsAppearOnlyInTheFilesThatMustHoldThem() throws Exception {
        Path root = root();

        InstallerRun run = apply(ovfEnv(OvfEnvFixture.validWithProxy()), root);

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout() + run.stderr()).doesNotContain(SECRETS);
        filesUnder(root).forEach((path, content) -> {
            if (!path.equals("/etc/pcg/agent.yml")) {
                assertThat(content).as(path + " must not hold the PIN").doesNotContain(OvfEnvFixture.PIN);
            }
            if (!PROXY_FILES.contains(path)) {
                assertThat(content)
                        .as(path + " must not hold the proxy password")
                        .doesNotContain(OvfEnvFixture.PROXY_PASSWORD, OvfEnvFixture.PROXY_PASSWORD_ENCODED);
            }
        });
    }

    @Test
    void withoutProxyNoProxyFileIsWritten() throws Exception {
        Path root = root();
        List<List<String>> commands = new ArrayList<>();

        InstallerRun run = InstallerRun.run(
                InstallerRun.fakeHost(commands),
                "apply",
                "--ovf-env",
                ovfEnv(OvfEnvFixture.valid().with(OvfProperty.SSH_PUBLIC_KEY, ""))
                        .toString(),
                "--root",
                root.toString(),
                "--vm-network",
                OvfEnvFixture.VM_NETWORK);

        assertThat(run.exitCode()).isZero();
        assertThat(filesUnder(root)).containsOnlyKeys("/etc/pcg/agent.yml", "/etc/issue");
        assertThat(run.stdout()).contains("(not used: no proxy is configured)").doesNotContain("try-restart");
        assertThat(commands)
                .as("--root mode never runs commands on this machine")
                .isEmpty();
        assertThat(filesUnder(root).get("/etc/issue")).contains("Proxy        : none (direct)");
    }

    @Test
    void invalidPropertiesChangeNothingButTheBanner() throws Exception {
        Path root = root();
        Path ovfEnv = Path.of(
                getClass().getResource("/ovf-env/invalid-everything.xml").toURI());

        InstallerRun run = apply(ovfEnv, root);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(filesUnder(root)).containsOnlyKeys("/etc/issue");
        String banner = filesUnder(root).get("/etc/issue");
        List<String> problemLines = run.stdout()
                .lines()
                .filter(line -> line.startsWith("pcg-installer: ERROR "))
                .toList();
        assertThat(problemLines).hasSize(8);
        for (String line : problemLines) {
            assertThat(banner).contains("  - " + line.substring("pcg-installer: ERROR ".length()));
        }
        assertThat(banner)
                .contains(
                        "NOT STARTED",
                        "IP address : 10.10.0.7",
                        "Power down and delete this VM, then deploy the OVA again with the correct values.");
        assertThat(run.stdout())
                .contains(
                        "Console endpoint (pcg.consoleEndpoint): console endpoint"
                                + " 'https://console.example.com/' has a trailing slash",
                        "Power down and delete this VM");
        assertThat(run.stdout() + banner)
                .doesNotContain("k7q2-m9zx", OvfEnvFixture.PROXY_PASSWORD, OvfEnvFixture.PROXY_PASSWORD_ENCODED);
    }

    @Test
    void anXxeAttemptIsRefusedAndOnlyTheBannerIsWritten() throws Exception {
        Path root = root();
        Path ovfEnv = Files.writeString(dir.resolve("xxe.xml"), """
                <?xml version="1.0"?>
                <!DOCTYPE Environment [ <!ENTITY name SYSTEM "file:///etc/hostname"> ]>
                <Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1">
                  <PropertySection><Property oe:key="pcg.installerName" oe:value="&name;"/></PropertySection>
                </Environment>
                """);

        InstallerRun run = apply(ovfEnv, root);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).contains("ERROR the OVF environment contains a DOCTYPE declaration");
        assertThat(run.stderr()).isEmpty();
        assertThat(filesUnder(root)).containsOnlyKeys("/etc/issue");
    }

    @Test
    void applyingTwiceKeepsOneCopyOfTheKeyAndKeysAlreadyThere() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("home/ubuntu/.ssh"));
        String otherKey = SshPublicKeyTest.RSA_2048.replace("ops@example", "someone@else");
        Files.writeString(root.resolve("home/ubuntu/.ssh/authorized_keys"), otherKey + "\n");
        Path ovfEnv = ovfEnv(OvfEnvFixture.valid());

        assertThat(apply(ovfEnv, root).exitCode()).isZero();
        assertThat(apply(ovfEnv, root).exitCode()).isZero();

        assertThat(filesUnder(root).get("/home/ubuntu/.ssh/authorized_keys"))
                .isEqualTo(otherKey + "\n" + OvfEnvFixture.ED25519 + "\n");
    }

    @Test
    void validateExitsZeroWhenValidAndTwoWithOneLinePerProblem() throws Exception {
        Path good = ovfEnv(OvfEnvFixture.validWithProxy());
        InstallerRun valid = InstallerRun.run(
                InstallerRun.fakeHost(),
                "validate",
                "--ovf-env",
                good.toString(),
                "--vm-network",
                OvfEnvFixture.VM_NETWORK);
        assertThat(valid.exitCode()).isZero();
        assertThat(valid.stdout())
                .contains("all OVF properties are valid", "NO_PROXY=")
                .doesNotContain(SECRETS);

        Path bad = Files.writeString(
                dir.resolve("bad.xml"),
                OvfEnvFixture.valid()
                        .with(OvfProperty.CONSOLE_ENDPOINT, "https://console.example.com/")
                        .with(OvfProperty.PAIRING_CODE, "12345")
                        .xml());
        InstallerRun invalid = InstallerRun.run(
                InstallerRun.fakeHost(),
                "validate",
                "--ovf-env",
                bad.toString(),
                "--vm-network",
                OvfEnvFixture.VM_NETWORK);
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.stdout().lines().filter(line -> line.contains("ERROR")))
                .hasSize(2);
        assertThat(invalid.stdout())
                .contains("2 OVF properties are invalid; nothing was changed")
                .doesNotContain("12345");
    }

    @Test
    void theVmNetworkComesFromTheHostWhenNotGiven() throws Exception {
        InstallerRun run = InstallerRun.run(
                InstallerRun.fakeHost(),
                "validate",
                "--ovf-env",
                ovfEnv(OvfEnvFixture.valid().with(OvfProperty.POD_CIDR, "10.10.0.0/16"))
                        .toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).contains("overlaps this VM's network 10.10.0.0/24");
    }

    @Test
    void aBadVmNetworkOptionIsAUsageError() throws Exception {
        InstallerRun run = InstallerRun.run(
                InstallerRun.fakeHost(),
                "validate",
                "--ovf-env",
                ovfEnv(OvfEnvFixture.valid()).toString(),
                "--vm-network",
                "10.10.0.7");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("needs a /prefix");
    }
}
