package io.pcg.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/collect-logs.sh on a tree the installer configured: logs in, secrets out. */
class CollectLogsIT {

    @TempDir
    Path dir;

    @Test
    void bundlesTheLogsSupportNeedsWithoutAnySecret() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        ExternalTool.Result applied = PcgInstaller.run(dir, "apply", "--ovf-env", RepoFiles.path(OvfEnvFiles.PROXIED).toString(),
                "--root", root.toString(), "--vm-network", PcgInstaller.VM_NETWORK);
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        write(root, "var/log/cloud-init-output.log", "pcg-installer: started\ncurl " + OvfEnvFiles.PROXY + " failed\n");
        write(root, "var/log/cloud-init.log", "cloud-init ran\n");
        write(root, "var/log/kern.log", "kernel\n");
        write(root, "var/log/syslog", "agent: pairing with code " + OvfEnvFiles.PIN + "\nHTTPS_PROXY=" + OvfEnvFiles.PROXY + "\n");
        write(root, "var/log/pods/kube-system_etcd/etcd/0.log", "etcd started\n");
        Files.createDirectories(root.resolve("var/log/containers"));
        Files.createSymbolicLink(root.resolve("var/log/containers/etcd.log"), Path.of("../pods/kube-system_etcd/etcd/0.log"));
        write(root, "var/log/pcg/agent.log", "loaded key\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBsecretkeymaterial\n-----END EC PRIVATE KEY-----\nvcenter password: hunter2\n");
        Path journalctl = write(dir, "journalctl", "#!/bin/sh\necho \"journal of $3: token=abc123 ok\"\n");
        Files.setPosixFilePermissions(journalctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path destination = Files.createDirectories(dir.resolve("dest"));

        ExternalTool.Result result = ExternalTool.run(dir, Map.of("PCG_LOGS_ROOT", root.toString(),
                "PCG_LOGS_DEST", destination.toString(), "PCG_JOURNALCTL", journalctl.toString()),
                "bash", RepoFiles.path("scripts/collect-logs.sh").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<Path> bundles;
        try (Stream<Path> files = Files.list(destination)) {
            bundles = files.toList();
        }
        assertThat(bundles).singleElement().satisfies(bundle ->
                assertThat(bundle.getFileName().toString()).matches("pcg-logs-.+-\\d{8}T\\d{6}Z\\.tgz"));
        assertThat(result.output()).contains("wrote " + bundles.get(0));
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        assertThat(ExternalTool.run(dir, Map.of(), "tar", "-xzf", bundles.get(0).toString(), "-C", unpacked.toString()).exitCode()).isZero();
        Map<String, String> bundled = filesUnder(unpacked.resolve("pcg-logs"));

        assertThat(bundled).containsKeys("/var/log/cloud-init-output.log", "/var/log/cloud-init.log", "/var/log/kern.log",
                "/var/log/syslog", "/var/log/containers/etcd.log", "/var/log/pcg/agent.log", "/etc/issue",
                "/commands/journal-kubelet.txt", "/commands/journal-pcg-agent.txt", "/MANIFEST.txt");
        assertThat(bundled.keySet()).noneMatch(path -> path.startsWith("/etc/pcg/agent.yml") || path.contains("proxy.conf")
                || path.equals("/etc/environment") || path.contains("authorized_keys"));
        assertThat(bundled.get("/var/log/containers/etcd.log")).isEqualTo("etcd started\n");
        assertThat(bundled.get("/var/log/cloud-init-output.log")).contains("http://pcguser:<redacted>@proxy.example.com:3128");
        bundled.forEach((path, content) -> assertThat(content).as(path).doesNotContain(OvfEnvFiles.PIN,
                OvfEnvFiles.PROXY_PASSWORD, OvfEnvFiles.PROXY_PASSWORD_ENCODED, "hunter2", "abc123", "secretkeymaterial"));
    }

    @Test
    void saysWhyWhenItCannotWriteTheBundle() throws Exception {
        ExternalTool.Result result = ExternalTool.run(dir, Map.of("PCG_LOGS_ROOT", dir.toString(),
                "PCG_LOGS_DEST", dir.resolve("missing").toString()), "bash", RepoFiles.path("scripts/collect-logs.sh").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("collect-logs: ERROR cannot write to " + dir.resolve("missing"));
    }

    /** Every regular file under root, as target path ("/etc/issue") to its content. */
    private static Map<String, String> filesUnder(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put("/" + root.relativize(file), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static Path write(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
