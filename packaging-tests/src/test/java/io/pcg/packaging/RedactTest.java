package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * scripts/lib/redact.pl, the redaction of collect-logs.sh, rule by rule: each row is a text as a log, a config file or a
 * kubectl dump has it, and the text the bundle must hold instead. Rows whose input equals the output are the
 * lookalikes a rule must leave alone.
 */
class RedactTest {

    private static final String MASK = "***REDACTED***";
    private static final String PIN = "K7Q2M9ZX";
    private static final String PROXY_PASSWORD = "S3cr@tPw";
    private static final String VCENTER_PASSWORD = "Vc-Adm1n!pw";
    /** The agent's config, the proxy settings in both forms the installer writes, as the secrets sources. */
    private static final Map<String, String> CONFIG_FILES = Map.of(
            "agent.yml",
                    "pcg:\n  agent:\n    pairing-code: \"" + PIN + "\"\n    name: \"vcenter-dc1\"\n"
                            + "    cloud-account:\n      vcenter-password: '" + VCENTER_PASSWORD + "'\n",
            "environment", "HTTPS_PROXY=\"http://pcguser:S3cr%40tPw@proxy.corp.example:3128\"\n",
            "proxy.conf", "[Service]\nEnvironment=\"HTTP_PROXY=http://pcguser:S3cr%%40tPw@proxy.corp.example:3128\"\n");

    @TempDir
    Path dir;

    static Stream<Arguments> patterns() {
        return Stream.of(
                row("YAML password", "password: hunter2\nnext: line\n", "password: " + MASK + "\nnext: line\n"),
                row(
                        "YAML password with spaces",
                        "vcenter password: my secret pw\n",
                        "vcenter password: " + MASK + "\n"),
                row(
                        "key=value among others",
                        "login user=admin password=pw123 host=vc.example.com\n",
                        "login user=admin password=" + MASK + " host=vc.example.com\n"),
                row(
                        "JSON password",
                        "{\"password\": \"hunter 2\", \"user\": \"bob\"}\n",
                        "{\"password\": \"" + MASK + "\", \"user\": \"bob\"}\n"),
                row(
                        "a queued command (the agent's queued-commands.log line)",
                        "{\"id\":\"c1\",\"type\":\"cluster.create\",\"payload\":{\"name\":\"t1\",\"password\":\"Pa55-w0rd!\"}}\n",
                        "{\"id\":\"c1\",\"type\":\"cluster.create\",\"payload\":{\"name\":\"t1\",\"password\":\"" + MASK
                                + "\"}}\n"),
                row("quoted env value", "VSPHERE_PASSWORD='pw 1' ./run\n", "VSPHERE_PASSWORD='" + MASK + "' ./run\n"),
                row(
                        "agent setting from the environment",
                        "PCG_AGENT_PAIRING_CODE=ABCD1234\n",
                        "PCG_AGENT_PAIRING_CODE=" + MASK + "\n"),
                row(
                        "URL userinfo",
                        "HTTPS_PROXY=http://pcguser:S3cr%40tPw@proxy.corp.example:3128\n",
                        "HTTPS_PROXY=http://pcguser:" + MASK + "@proxy.corp.example:3128\n"),
                row(
                        "Basic header",
                        "Authorization: Basic cGNndXNlcjpTM2NyQHRQdw==\n",
                        "Authorization: Basic " + MASK + "\n"),
                row(
                        "proxy Basic header",
                        "> Proxy-Authorization: Basic dXNlcjpwYXNz\n",
                        "> Proxy-Authorization: Basic " + MASK + "\n"),
                row(
                        "Bearer header in JSON",
                        "{\"Authorization\": \"Bearer abc.def-ghi\"}\n",
                        "{\"Authorization\": \"Bearer " + MASK + "\"}\n"),
                row(
                        "Go header map",
                        "header map[Authorization:[Bearer xyzxyzxyzxyz]]\n",
                        "header map[Authorization:[Bearer " + MASK + "]]\n"),
                row("bearer token alone", "using bearer 0123456789abcdef\n", "using bearer " + MASK + "\n"),
                row(
                        "JWT",
                        "sa token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl was used\n",
                        "sa token " + MASK + " was used\n"),
                row(
                        "command-line flags",
                        "run --password s3cr3t --token=t0k3n --user bob\n",
                        "run --password " + MASK + " --token=" + MASK + " --user bob\n"),
                row("kubeconfig credentials", """
                        users:
                        - name: admin
                          user:
                            client-certificate-data: Q0VSVA==
                            client-key-data: S0VZREFUQQ==
                            token: sa-token-value
                        """, """
                        users:
                        - name: admin
                          user:
                            client-certificate-data: Q0VSVA==
                            client-key-data: %1$s
                            token: %1$s
                        """.formatted(MASK)),
                row("OVF environment property", """
                        <Property oe:key="pcg.pairingCode" oe:value="K7Q2M9ZX"/>
                        <Property oe:key="pcg.httpsProxy" oe:value="http://pcguser:S3cr%40tPw@proxy.corp.example:3128"/>
                        <Property oe:key="pcg.sshPublicKey" oe:value="ssh-ed25519 AAAAC3Nza ops@example"/>
                        """, """
                        <Property oe:key="pcg.pairingCode" oe:value="%1$s"/>
                        <Property oe:key="pcg.httpsProxy" oe:value="http://pcguser:%1$s@proxy.corp.example:3128"/>
                        <Property oe:key="pcg.sshPublicKey" oe:value="ssh-ed25519 AAAAC3Nza ops@example"/>
                        """.formatted(MASK)),
                row("Kubernetes env entry", """
                                - name: VSPHERE_PASSWORD
                                  value: vspherepw
                                - name: VSPHERE_USER
                                  value: admin
                        """, """
                                - name: VSPHERE_PASSWORD
                                  value: %s
                                - name: VSPHERE_USER
                                  value: admin
                        """.formatted(MASK)),
                row("PEM keys of every kind, and a certificate", """
                        loaded
                        -----BEGIN RSA PRIVATE KEY-----
                        MIIEowIBAAKCAQEA
                        -----END RSA PRIVATE KEY-----
                        -----BEGIN EC PRIVATE KEY-----
                        MHcCAQEEIB
                        -----END EC PRIVATE KEY-----
                        -----BEGIN OPENSSH PRIVATE KEY-----
                        b3BlbnNzaC1rZXktdjE
                        -----END OPENSSH PRIVATE KEY-----
                        -----BEGIN ENCRYPTED PRIVATE KEY-----
                        MIIFHzBJBgkqhkiG
                        -----END ENCRYPTED PRIVATE KEY-----
                        -----BEGIN PRIVATE KEY-----
                        MIGHAgEAMBMGByqG
                        -----END PRIVATE KEY-----
                        -----BEGIN CERTIFICATE-----
                        MIIBszCCAVmgAwIB
                        -----END CERTIFICATE-----
                        after the keys
                        """, """
                        loaded
                        -----BEGIN RSA PRIVATE KEY-----
                        %1$s
                        -----END RSA PRIVATE KEY-----
                        -----BEGIN EC PRIVATE KEY-----
                        %1$s
                        -----END EC PRIVATE KEY-----
                        -----BEGIN OPENSSH PRIVATE KEY-----
                        %1$s
                        -----END OPENSSH PRIVATE KEY-----
                        -----BEGIN ENCRYPTED PRIVATE KEY-----
                        %1$s
                        -----END ENCRYPTED PRIVATE KEY-----
                        -----BEGIN PRIVATE KEY-----
                        %1$s
                        -----END PRIVATE KEY-----
                        -----BEGIN CERTIFICATE-----
                        MIIBszCCAVmgAwIB
                        -----END CERTIFICATE-----
                        after the keys
                        """.formatted(MASK)),
                row("a log cut inside a key, at its start and at its end", """
                        MIIEowIBAAKCAQEA
                        -----END RSA PRIVATE KEY-----
                        between
                        -----BEGIN EC PRIVATE KEY-----
                        MHcCAQEEIB
                        """, """
                        %1$s
                        -----END RSA PRIVATE KEY-----
                        between
                        -----BEGIN EC PRIVATE KEY-----
                        %1$s
                        """.formatted(MASK)),
                row(
                        "a key quoted in JSON",
                        "{\"key\":\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\",\"n\":1}\n",
                        "{\"key\":\"-----BEGIN PRIVATE KEY-----\\n" + MASK
                                + "\\n-----END PRIVATE KEY-----\\n\",\"n\":1}\n"),
                row("Secrets in a kubectl list, a ConfigMap next to them", """
                        items:
                        - apiVersion: v1
                          data:
                            password: aHVudGVyMg==
                            username: YWRtaW4=
                          kind: Secret
                          metadata:
                            name: creds
                        - apiVersion: v1
                          data:
                            config: hello
                          kind: ConfigMap
                        """, """
                        items:
                        - apiVersion: v1
                          data:
                            password: %1$s
                            username: %1$s
                          kind: Secret
                          metadata:
                            name: creds
                        - apiVersion: v1
                          data:
                            config: hello
                          kind: ConfigMap
                        """.formatted(MASK)),
                row("a Secret among other YAML documents", """
                        data:
                          config: keep-me
                        kind: ConfigMap
                        ---
                        data:
                          password: aHVudGVyMg==
                        kind: Secret
                        ---
                        data:
                          other: keep-me-too
                        kind: ConfigMap
                        """, """
                        data:
                          config: keep-me
                        kind: ConfigMap
                        ---
                        data:
                          password: %s
                        kind: Secret
                        ---
                        data:
                          other: keep-me-too
                        kind: ConfigMap
                        """.formatted(MASK)),
                row(
                        "a Secret inside a ConfigMap (ClusterResourceSet), stringData with a block scalar",
                        """
                          data:
                            cloud-provider.yaml: |
                              apiVersion: v1
                              kind: Secret
                              stringData:
                                vcenter.username: admin
                                config.ini: |
                                  [Global]
                                  user = admin
                              type: Opaque
                            other.yaml: |
                              kind: ConfigMap
                        """,
                        """
                          data:
                            cloud-provider.yaml: |
                              apiVersion: v1
                              kind: Secret
                              stringData:
                                vcenter.username: %1$s
                                config.ini: |
                                  %1$s
                                  %1$s
                              type: Opaque
                            other.yaml: |
                              kind: ConfigMap
                        """.formatted(MASK)),
                row("a Secret as indented JSON", """
                        {
                            "apiVersion": "v1",
                            "data": {
                                "password": "aHVudGVyMg=="
                            },
                            "kind": "Secret"
                        }
                        """, """
                        {
                            "apiVersion": "v1",
                            "data": {
                                "password": "%s"
                            },
                            "kind": "Secret"
                        }
                        """.formatted(MASK)),
                row(
                        "a Secret as JSON on one line, and quoted in an annotation",
                        "{\"apiVersion\":\"v1\",\"data\":{\"user\":\"YWRtaW4=\"},\"kind\":\"Secret\"}\n"
                                + "\"last-applied\": \"{\\\"data\\\":{\\\"user\\\":\\\"YWRtaW4=\\\"},\\\"kind\\\":\\\"Secret\\\"}\"\n",
                        "{\"apiVersion\":\"v1\",\"data\":{\"user\":\"" + MASK + "\"},\"kind\":\"Secret\"}\n"
                                + "\"last-applied\": \"{\\\"data\\\":{\\\"user\\\":\\\"" + MASK
                                + "\\\"},\\\"kind\\\":\\\"Secret\\\"}\"\n"),
                row("lookalikes that are no secrets", """
                        Basic troubleshooting steps
                        Bearer of bad news
                        pinned version 1.2, ping 10.0.0.1
                        - key: node-role.kubernetes.io/control-plane
                          secretName: creds
                        {"keyId": "k1", "format": 1}
                        pcg.sshPublicKey: ssh-ed25519 AAAA ops@example
                        ssh_authorized_keys: []
                        token-ttl: 24h
                        proxy http://proxy.corp.example:3128 and https://user@git.example/repo
                        """, """
                        Basic troubleshooting steps
                        Bearer of bad news
                        pinned version 1.2, ping 10.0.0.1
                        - key: node-role.kubernetes.io/control-plane
                          secretName: creds
                        {"keyId": "k1", "format": 1}
                        pcg.sshPublicKey: ssh-ed25519 AAAA ops@example
                        ssh_authorized_keys: []
                        token-ttl: 24h
                        proxy http://proxy.corp.example:3128 and https://user@git.example/repo
                        """));
    }

    /** Values the configuration names, wherever and however they appear. */
    static Stream<Arguments> configuredValues() {
        String basic = base64("pcguser:" + PROXY_PASSWORD);
        return Stream.of(
                row(
                        "the PIN in prose",
                        "agent: pairing with code " + PIN + " failed\n",
                        "agent: pairing with code " + MASK + " failed\n"),
                row("the PIN in base64", "body " + base64(PIN) + "\n", "body " + MASK + "\n"),
                row(
                        "a configured password in prose",
                        "login with " + VCENTER_PASSWORD + " refused\n",
                        "login with " + MASK + " refused\n"),
                row(
                        "the proxy password, decoded and encoded",
                        "tried " + PROXY_PASSWORD + " and S3cr%40tPw\n",
                        "tried " + MASK + " and " + MASK + "\n"),
                row("the proxy credentials as HTTP Basic sends them", "sent " + basic + "\n", "sent " + MASK + "\n"),
                row(
                        "non-secret settings stay",
                        "name vcenter-dc1 via proxy.corp.example:3128 as pcguser\n",
                        "name vcenter-dc1 via proxy.corp.example:3128 as pcguser\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void masksSecretsByTheirShape(String description, String input, String expected) throws Exception {
        assertThat(redacted(input, List.of())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configuredValues")
    void masksEveryValueTheConfigurationNames(String description, String input, String expected) throws Exception {
        List<Path> configs = new ArrayList<>();
        for (Map.Entry<String, String> config : CONFIG_FILES.entrySet()) {
            configs.add(Files.writeString(dir.resolve(config.getKey()), config.getValue()));
        }
        assertThat(redacted(input, configs)).isEqualTo(expected);
    }

    /** Runs redact.pl in place on a file, as collect-logs.sh does. */
    private String redacted(String input, List<Path> configs) throws Exception {
        Path file = Files.writeString(dir.resolve("input.log"), input);
        List<String> command = new ArrayList<>(List.of(
                ExternalTool.require("perl"),
                RepoFiles.path("scripts/lib/redact.pl").toString()));
        configs.forEach(config -> command.addAll(List.of("--secrets-from", config.toString())));
        command.add(file.toString());
        ExternalTool.Result result = ExternalTool.run(dir, Map.of(), command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).as("redact.pl prints nothing").isEmpty();
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments row(String description, String input, String expected) {
        return Arguments.of(description, input, expected);
    }
}
