package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * scripts/collect-logs.sh on a tree the installer configured, with logs, state and kubectl output holding a secret of
 * every shape: everything support needs is in the bundle, none of the secrets is, in any file or encoding.
 */
class CollectLogsIT {

    private static final String MASK = "***REDACTED***";
    private static final String PROXY_HOST = "proxy.corp.example:3128";
    private static final String PROXY = "http://pcguser:" + OvfEnvFiles.PROXY_PASSWORD_ENCODED + "@" + PROXY_HOST;
    /** Only the OVF environment (from VMware Tools) knows it: masking it proves that source is read. */
    private static final String OVF_ONLY_PIN = "OVFPIN42";

    private static final String CONFIGURED_TOKEN = "Cfg-Token-Value-9";
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06YWRtaW4ifQ.c2lnbmF0dXJlLWJ5dGVz";
    private static final String BASIC_CREDENTIALS = base64("admin:Basic-Pw-3");
    private static final String PROXY_BASIC_CREDENTIALS = base64("pcguser:" + OvfEnvFiles.PROXY_PASSWORD);
    /** A log cut by --max-lines inside this key still must not show its first lines. */
    private static final String CUT_KEY_BODY = "Q3V0S2V5Qm9keUxpbmVPbmU";

    /** Every secret the fixture holds; none may be in the bundle. */
    private static final List<String> SECRETS = List.of(
            OvfEnvFiles.PIN,
            base64(OvfEnvFiles.PIN),
            OVF_ONLY_PIN,
            OvfEnvFiles.PROXY_PASSWORD,
            OvfEnvFiles.PROXY_PASSWORD_ENCODED,
            OvfEnvFiles.PROXY_PASSWORD_ENCODED.replace("%", "%%"),
            PROXY_BASIC_CREDENTIALS,
            CONFIGURED_TOKEN,
            "Hunter2-yaml",
            "Kv-Secret-1",
            "Json Secret 2",
            "bearer-tok-0123456789",
            BASIC_CREDENTIALS,
            JWT,
            "T1BFTlNTSEtFWUJPRFk",
            "RUNLRVlCT0RZ",
            "RU5DUllQVEVES0VZ",
            "UlNBS0VZQk9EWQ",
            CUT_KEY_BODY,
            "S0VZLURBVEEtU0VDUkVU",
            "kubeconfig-token-777",
            "c2VjcmV0LWRhdGE=",
            "stringdata-secret",
            "vsphere-env-pw",
            "IDENTITYKEYBODY",
            "ACCOUNT-KEY-BYTES");

    @TempDir
    Path dir;

    @Test
    void bundlesWhatSupportNeedsWithoutAnySecret() throws Exception {
        Path root = configuredAppliance();
        writeLogsAndState(root);
        Path kubectl = fakeKubectl();
        Path out = Files.createDirectories(dir.resolve("out"));

        Run run = collectLogs(root, out, Map.of("PCG_KUBECTL", kubectl.toString()), "--max-lines", "100");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        Path bundle = Path.of(run.lastStdoutLine());
        assertThat(bundle.getParent()).isEqualTo(out);
        assertThat(bundle.getFileName().toString()).matches("pcg-logs-.+-\\d{8}T\\d{6}Z\\.tgz");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)))
                .isEqualTo("rw-------");
        Map<String, String> files = unpack(bundle);

        assertThat(files)
                .containsKeys(
                        "etc/pcg/agent.yml",
                        "etc/systemd/system/pcg-agent.service.d/proxy.conf",
                        "var/lib/pcg/identity/cert.pem",
                        "var/lib/pcg/gateway-cluster.json",
                        "var/lib/pcg/gateway.kubeconfig",
                        "ovf-environment.xml",
                        "var/log/pcg/agent.log",
                        "journal/pcg-agent.log",
                        "journal/kubelet.log",
                        "journal/containerd.log",
                        "var/log/cloud-init.log",
                        "var/log/cloud-init-output.log",
                        "var/log/kern.log",
                        "var/log/syslog",
                        "var/log/syslog.2",
                        "var/log/pods/kube-system_etcd/etcd/0.log",
                        "var/log/containers.txt",
                        "kubernetes/gateway/pods.yaml",
                        "kubernetes/gateway/configmaps.yaml",
                        "kubernetes/gateway/events.yaml",
                        "kubernetes/gateway/nodes.yaml",
                        "kubernetes/gateway/clusters.cluster.x-k8s.io.yaml",
                        "kubernetes/gateway/customresourcedefinitions.txt",
                        "manifest.yaml",
                        "skipped.txt");
        assertThat(files.keySet())
                .as("no key file")
                .noneMatch(path -> path.endsWith("key.pem") || path.contains("/keys/"));
        files.forEach((path, content) -> assertThat(content).as(path).doesNotContain(SECRETS));
        assertThat(run.stdout() + run.stderr()).doesNotContain(SECRETS);

        assertThat(files.get("etc/pcg/agent.yml"))
                .contains("    pairing-code: \"" + MASK + "\"\n", "    name: \"vcenter-dc1\"\n");
        assertThat(files.get("etc/systemd/system/pcg-agent.service.d/proxy.conf"))
                .contains("Environment=\"HTTPS_PROXY=http://pcguser:" + MASK + "@" + PROXY_HOST + "\"");
        assertThat(files.get("ovf-environment.xml"))
                .contains(
                        "oe:key=\"pcg.pairingCode\" oe:value=\"" + MASK + "\"",
                        "oe:key=\"pcg.installerName\" oe:value=\"vcenter-dc1\"");
        assertThat(files.get("var/log/pcg/agent.log")).isEqualTo("""
                pairing with code %1$s
                -----BEGIN EC PRIVATE KEY-----
                %1$s
                -----END EC PRIVATE KEY-----
                agent: identity stored
                vcenter password: %1$s
                vcenter user: administrator@vsphere.local
                connect user=admin password=%1$s host=vc.example.com
                answer {"password": "%1$s", "user": "admin"}
                GET /v1/pair Authorization: Bearer %1$s
                token %1$s
                configured %1$s
                """.formatted(MASK));
        assertThat(files.get("var/log/cloud-init-output.log"))
                .contains(
                        "curl: (56) proxy http://pcguser:" + MASK + "@" + PROXY_HOST + " refused\n",
                        "> Proxy-Authorization: Basic " + MASK + "\n",
                        "> Authorization: Basic " + MASK + "\n",
                        "pcg-installer: done\n");
        assertThat(files.get("var/log/syslog"))
                .startsWith(MASK + "\n-----END OPENSSH PRIVATE KEY-----\nsyslog line 1\n")
                .endsWith("syslog line 96\n");
        assertThat(files.get("var/log/syslog.2")).isEqualTo("rotated and compressed\n");
        assertThat(files.get("journal/pcg-agent.log"))
                .isEqualTo("journal of pcg-agent: Authorization: Bearer " + MASK + "\n");
        assertThat(files.get("var/log/containers.txt")).contains("etcd.log -> ../pods/kube-system_etcd/etcd/0.log");
        assertThat(files.get("var/lib/pcg/gateway.kubeconfig"))
                .contains(
                        "client-key-data: " + MASK,
                        "token: " + MASK,
                        "client-certificate-data: Q0VSVA==",
                        "server: https://10.10.0.50:6443");
        assertThat(files.get("kubernetes/gateway/configmaps.yaml"))
                .contains(
                        "client-key-data: " + MASK,
                        "client-certificate-data: Q0VSVA==",
                        "vcenter.password: " + MASK,
                        "user.name: " + MASK,
                        "config: keep-me");
        assertThat(files.get("kubernetes/gateway/pods.yaml"))
                .contains("name: capv-controller-manager", "value: " + MASK, "value: administrator@vsphere.local");
        assertThat(files.get("kubernetes/gateway/events.yaml")).contains("message: pulled image with token " + MASK);

        Map<String, Object> manifest = new Yaml().load(files.get("manifest.yaml"));
        assertThat(paths(manifest, "files", "path")).contains("var/log/syslog", "kubernetes/gateway/pods.yaml");
        assertThat(paths(manifest, "truncated", "path")).containsExactly("var/log/syslog");
        assertThat(paths(manifest, "skipped", "source"))
                .contains("/var/lib/pcg/identity/key.pem", "/var/lib/pcg/keys/account.key");
        assertThat(files.get("skipped.txt"))
                .contains(
                        "/var/lib/pcg/identity/key.pem: private or encryption key",
                        "vspherevms.infrastructure.cluster.x-k8s.io --all-namespaces --output yaml: exited with status 1");
        assertThat(Files.readString(dir.resolve("kubectl.calls")))
                .doesNotContainIgnoringCase("secret")
                .contains("--kubeconfig " + root.resolve("var/lib/pcg/gateway.kubeconfig")
                        + " --request-timeout 20s get pods --all-namespaces --output yaml");
    }

    @Test
    void bundleIsCompleteWithoutKubectlAndListsWhatIsMissing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        write(root, "var/lib/pcg/gateway.kubeconfig", kubeconfig());
        write(root, "var/log/kern.log", "kernel\n");
        Path out = Files.createDirectories(dir.resolve("out"));

        Run run = collectLogs(
                root, out, Map.of("PCG_KUBECTL", dir.resolve("no-kubectl").toString()));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        Map<String, String> files = unpack(Path.of(run.lastStdoutLine()));
        assertThat(files).containsKeys("var/log/kern.log", "var/lib/pcg/gateway.kubeconfig", "manifest.yaml");
        assertThat(files.keySet()).noneMatch(path -> path.startsWith("kubernetes/"));
        assertThat(files.get("skipped.txt"))
                .contains(
                        "kubectl dumps of the gateway cluster: " + dir.resolve("no-kubectl") + " is not installed",
                        "/var/log/syslog*: not found",
                        "/var/log/cloud-init*.log: not found",
                        "/etc/pcg: not found");
        assertThat(run.stderr())
                .contains("skipped kubectl dumps of the gateway cluster", "skipped /var/log/syslog*: not found");
    }

    @Test
    void leavesOutWhatExceedsTheTotalCapAndSaysSo() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        write(root, "var/log/pcg/agent.log", "small\n");
        write(root, "var/log/kern.log", ("k".repeat(1023) + "\n").repeat(1500));
        Path out = Files.createDirectories(dir.resolve("out"));

        Run run = collectLogs(root, out, Map.of(), "--max-total-mb", "1");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        Map<String, String> files = unpack(Path.of(run.lastStdoutLine()));
        assertThat(files).containsKey("var/log/pcg/agent.log").doesNotContainKey("var/log/kern.log");
        assertThat(files.get("skipped.txt")).contains("/var/log/kern.log: ", "would exceed the total cap of 1 MiB");
    }

    @Test
    void findsItsRedactionWhenRunThroughTheLinkTheImageInstalls() throws Exception {
        Path link = Files.createSymbolicLink(
                Files.createDirectories(dir.resolve("bin")).resolve("collect-logs.sh"),
                RepoFiles.path("scripts/collect-logs.sh"));
        Path root = Files.createDirectories(dir.resolve("root"));
        write(root, "var/log/kern.log", "password: hunter2\n");
        Path out = Files.createDirectories(dir.resolve("out"));

        Run run = run(List.of("bash", link.toString(), "--root", root.toString(), "--out", out.toString()), Map.of());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(unpack(Path.of(run.lastStdoutLine()))).containsEntry("var/log/kern.log", "password: " + MASK + "\n");
    }

    @Test
    void saysWhyWhenItCannotWriteTheBundle() throws Exception {
        Path notADirectory = write(dir, "out", "a file\n");

        Run run = collectLogs(dir.resolve("root"), notADirectory, Map.of());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr())
                .contains("collect-logs: ERROR cannot write the bundle to " + notADirectory
                        + ": not a writable directory");
    }

    /** The tree pcg-installer apply writes from an OVF environment with an authenticating proxy, plus a token setting. */
    private Path configuredAppliance() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path ovfEnv = OvfEnvFiles.proxiedWith(
                Map.of("pcg.httpProxy", PROXY, "pcg.httpsProxy", PROXY), dir.resolve("ovf-env.xml"));
        ExternalTool.Result applied = PcgInstaller.run(
                dir,
                "apply",
                "--ovf-env",
                ovfEnv.toString(),
                "--root",
                root.toString(),
                "--vm-network",
                PcgInstaller.VM_NETWORK);
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        Path agentConfig = root.resolve("etc/pcg/agent.yml");
        Files.writeString(
                agentConfig, Files.readString(agentConfig) + "    vcenter-token: \"" + CONFIGURED_TOKEN + "\"\n");
        return root;
    }

    private void writeLogsAndState(Path root) throws Exception {
        write(root, "var/log/pcg/agent.log", """
                pairing with code %s
                -----BEGIN EC PRIVATE KEY-----
                RUNLRVlCT0RZ
                -----END EC PRIVATE KEY-----
                agent: identity stored
                vcenter password: Hunter2-yaml
                vcenter user: administrator@vsphere.local
                connect user=admin password=Kv-Secret-1 host=vc.example.com
                answer {"password": "Json Secret 2", "user": "admin"}
                GET /v1/pair Authorization: Bearer bearer-tok-0123456789
                token %s
                configured %s
                """.formatted(OvfEnvFiles.PIN, JWT, CONFIGURED_TOKEN));
        write(
                root,
                "var/log/pcg/pairing.log",
                "pin " + base64(OvfEnvFiles.PIN) + " and ovf pin " + OVF_ONLY_PIN + "\n");
        write(root, "var/log/cloud-init-output.log", """
                pcg-installer: started
                curl: (56) proxy %s refused
                > Proxy-Authorization: Basic %s
                > Authorization: Basic %s
                proxy said %s
                pcg-installer: done
                """.formatted(
                        PROXY, PROXY_BASIC_CREDENTIALS, BASIC_CREDENTIALS, OvfEnvFiles.PROXY_PASSWORD));
        write(
                root,
                "var/log/cloud-init.log",
                "cloud-init ran\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nRU5DUllQVEVES0VZ\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n-----BEGIN RSA PRIVATE KEY-----\nUlNBS0VZQk9EWQ\n-----END RSA PRIVATE KEY-----\n");
        write(root, "var/log/kern.log", "kernel\n");
        // 100 lines kept of 102: the cut falls inside the key, after its BEGIN line.
        write(
                root,
                "var/log/syslog",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nT1BFTlNTSEtFWUJPRFk\nT1BFTlNTSEtFWUJPRFk\n"
                        + CUT_KEY_BODY + "\n" + CUT_KEY_BODY + "\n-----END OPENSSH PRIVATE KEY-----\n"
                        + IntStream.rangeClosed(1, 96)
                                .mapToObj(line -> "syslog line " + line + "\n")
                                .collect(Collectors.joining()));
        write(root, "var/log/syslog.1", "HTTPS_PROXY=" + PROXY + "\n");
        try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(root.resolve("var/log/syslog.2.gz")))) {
            gzip.write("rotated and compressed\n".getBytes(StandardCharsets.UTF_8));
        }
        write(root, "var/log/pods/kube-system_etcd/etcd/0.log", "etcd started, password=Kv-Secret-1\n");
        Files.createDirectories(root.resolve("var/log/containers"));
        Files.createSymbolicLink(
                root.resolve("var/log/containers/etcd.log"), Path.of("../pods/kube-system_etcd/etcd/0.log"));
        Files.createDirectories(root.resolve("var/log/journal"));
        write(
                root,
                "var/lib/pcg/identity/key.pem",
                "-----BEGIN PRIVATE KEY-----\nIDENTITYKEYBODY\n-----END PRIVATE KEY-----\n");
        write(
                root,
                "var/lib/pcg/identity/cert.pem",
                "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n");
        write(root, "var/lib/pcg/keys/account.key", "ACCOUNT-KEY-BYTES");
        write(root, "var/lib/pcg/gateway-cluster.json", "{\"milestone\": \"RUNNING\"}\n");
        write(root, "var/lib/pcg/gateway.kubeconfig", kubeconfig());
    }

    private static String kubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    certificate-authority-data: Q0FEQVRB
                    server: https://10.10.0.50:6443
                  name: gateway
                users:
                - name: admin
                  user:
                    client-certificate-data: Q0VSVA==
                    client-key-data: S0VZLURBVEEtU0VDUkVU
                    token: kubeconfig-token-777
                """;
    }

    /** kubectl that prints the fixture of the resource it is asked to get, and records how it was called. */
    private Path fakeKubectl() throws Exception {
        Path fixtures = Files.createDirectories(dir.resolve("kubectl-fixtures"));
        write(fixtures, "pods.yaml", """
                apiVersion: v1
                items:
                - apiVersion: v1
                  kind: Pod
                  metadata:
                    name: capv-controller-manager
                  spec:
                    containers:
                    - env:
                      - name: VSPHERE_PASSWORD
                        value: vsphere-env-pw
                      - name: VSPHERE_USERNAME
                        value: administrator@vsphere.local
                kind: List
                """);
        write(fixtures, "configmaps.yaml", """
                apiVersion: v1
                items:
                - apiVersion: v1
                  data:
                    kubeconfig: |
                      users:
                      - name: admin
                        user:
                          client-certificate-data: Q0VSVA==
                          client-key-data: S0VZLURBVEEtU0VDUkVU
                          token: kubeconfig-token-777
                  kind: ConfigMap
                  metadata:
                    name: cluster-info
                - apiVersion: v1
                  data:
                    cloud-provider-secret.yaml: |
                      apiVersion: v1
                      data:
                        user.name: c2VjcmV0LWRhdGE=
                      kind: Secret
                      stringData:
                        vcenter.password: stringdata-secret
                  kind: ConfigMap
                  metadata:
                    name: crs-cloud-provider
                - apiVersion: v1
                  data:
                    config: keep-me
                  kind: ConfigMap
                kind: List
                """);
        write(fixtures, "events.yaml", "items:\n- message: pulled image with token " + JWT + "\n");
        write(fixtures, "nodes.yaml", "items:\n- metadata:\n    name: gateway-cp-0\n");
        write(fixtures, "clusters.cluster.x-k8s.io.yaml", "items:\n- metadata:\n    name: gateway\n");
        write(
                fixtures,
                "customresourcedefinitions.yaml",
                "NAME VERSIONS STORED\nclusters.cluster.x-k8s.io v1beta2 v1beta2\n");
        Path kubectl = write(dir, "kubectl", """
                #!/bin/sh
                echo "$*" >> '%s'
                while [ $# -gt 0 ] && [ "$1" != get ]; do shift; done
                if [ -f '%s'/"$2.yaml" ]; then exec cat '%s'/"$2.yaml"; fi
                echo "error: the server doesn't have a resource type \\"$2\\"" >&2
                exit 1
                """.formatted(dir.resolve("kubectl.calls"), fixtures, fixtures));
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
        return kubectl;
    }

    /** A journalctl printing one line per unit, and a vmtoolsd handing over the OVF environment. */
    private Map<String, String> fakeJournalAndVmwareTools() throws Exception {
        Path journalctl = write(
                dir, "journalctl", "#!/bin/sh\necho \"journal of $3: Authorization: Bearer bearer-tok-0123456789\"\n");
        Path ovfEnv = OvfEnvFiles.proxiedWith(
                Map.of("pcg.httpProxy", PROXY, "pcg.httpsProxy", PROXY, "pcg.pairingCode", OVF_ONLY_PIN),
                dir.resolve("vmtools-ovf-env.xml"));
        Path vmtoolsd = write(
                dir,
                "vmtoolsd",
                "#!/bin/sh\n[ \"$2\" = 'info-get guestinfo.ovfEnv' ] && exec cat '" + ovfEnv + "'\nexit 1\n");
        for (Path program : List.of(journalctl, vmtoolsd)) {
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        }
        return Map.of("PCG_JOURNALCTL", journalctl.toString(), "PCG_VMTOOLSD", vmtoolsd.toString());
    }

    private record Run(int exitCode, String stdout, String stderr) {
        String lastStdoutLine() {
            List<String> lines = stdout.lines().toList();
            assertThat(lines).as("stdout").isNotEmpty();
            return lines.get(lines.size() - 1);
        }
    }

    /** scripts/collect-logs.sh reading the tree under root, writing to out. */
    private Run collectLogs(Path root, Path out, Map<String, String> programs, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "bash",
                RepoFiles.path("scripts/collect-logs.sh").toString(),
                "--root",
                root.toString(),
                "--out",
                out.toString()));
        command.addAll(List.of(options));
        return run(command, programs);
    }

    /** The script as an operator runs it, stdout and stderr apart (the bundle's path is the last line of stdout). */
    private Run run(List<String> command, Map<String, String> programs) throws Exception {
        ProcessBuilder process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        process.environment()
                .put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        process.environment().putAll(fakeJournalAndVmwareTools());
        process.environment().putAll(programs);
        Process started = process.start();
        assertThat(started.waitFor(2, TimeUnit.MINUTES))
                .as("collect-logs.sh finished")
                .isTrue();
        return new Run(
                started.exitValue(), Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")));
    }

    /** Every regular file of the bundle's one folder, by its path in that folder, read byte for byte (ISO-8859-1). */
    private Map<String, String> unpack(Path bundle) throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        ExternalTool.Result untar =
                ExternalTool.run(dir, Map.of(), "tar", "-xzf", bundle.toString(), "-C", unpacked.toString());
        assertThat(untar.exitCode()).as(untar.output()).isZero();
        String folder = bundle.getFileName().toString().replaceFirst("\\.tgz$", "");
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(path -> path.getFileName().toString())).containsExactly(folder);
        }
        Path content = unpacked.resolve(folder);
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(content)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put(content.relativize(file).toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> paths(Map<String, Object> manifest, String section, String field) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) manifest.get(section);
        return entries == null
                ? List.of()
                : entries.stream().map(entry -> entry.get(field)).toList();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
