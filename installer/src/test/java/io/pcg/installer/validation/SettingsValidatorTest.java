package io.pcg.installer.validation;

import static io.pcg.installer.ovf.OvfProperty.CONSOLE_ENDPOINT;
import static io.pcg.installer.ovf.OvfProperty.HTTPS_PROXY;
import static io.pcg.installer.ovf.OvfProperty.HTTP_PROXY;
import static io.pcg.installer.ovf.OvfProperty.INSTALLER_NAME;
import static io.pcg.installer.ovf.OvfProperty.NO_PROXY;
import static io.pcg.installer.ovf.OvfProperty.PAIRING_CODE;
import static io.pcg.installer.ovf.OvfProperty.POD_CIDR;
import static io.pcg.installer.ovf.OvfProperty.SERVICE_CIDR;
import static io.pcg.installer.ovf.OvfProperty.SSH_PUBLIC_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.installer.OvfEnvFixture;
import io.pcg.installer.ovf.OvfEnvironment;
import io.pcg.installer.ovf.OvfProperty;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsValidatorTest {

    private static final List<VmAddress> VM = List.of(VmAddress.parse(OvfEnvFixture.VM_NETWORK));

    private final SettingsValidator validator = new SettingsValidator();

    @ParameterizedTest(name = "{0} = ''{1}'' is valid")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSTALLER_NAME|vcenter-dc1",
                "INSTALLER_NAME|PCG01",
                "INSTALLER_NAME|a",
                "CONSOLE_ENDPOINT|https://console.spectrocloud.com",
                "CONSOLE_ENDPOINT|https://10.1.2.3:8443",
                "CONSOLE_ENDPOINT|''",
                "PAIRING_CODE|K7Q2M9ZX",
                "PAIRING_CODE|'  K7Q2M9ZX  '",
                "SSH_PUBLIC_KEY|''",
                "SSH_PUBLIC_KEY|" + SshPublicKeyTest.RSA_2048,
                "SSH_PUBLIC_KEY|" + SshPublicKeyTest.ECDSA_384,
                "POD_CIDR|172.16.0.0/16",
                "POD_CIDR|10.244.0.0/16",
                "POD_CIDR|''",
                "SERVICE_CIDR|172.30.0.0/16",
                "SERVICE_CIDR|''",
                "NO_PROXY|'vcenter.example.com, .example.org, 10.20.0.0/16'",
                "NO_PROXY|''",
            })
    void accepts(OvfProperty property, String value) throws Exception {
        Validation validation = validator.validate(
                OvfEnvFixture.validWithProxy().with(property, value).parse(), VM);

        assertThat(validation.problems()).isEmpty();
        assertThat(validation.settings()).isPresent();
    }

    @ParameterizedTest(name = "{0} = ''{1}'' fails: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSTALLER_NAME|''|is empty: set the name",
                "INSTALLER_NAME|my gateway!|'my gateway!' is not a valid name: use 1 to 63 letters, digits and hyphens",
                "INSTALLER_NAME|-gw|not a valid name",
                "INSTALLER_NAME|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|not a valid name",
                "CONSOLE_ENDPOINT|https://console.example.com/|has a trailing slash: remove it, i.e. use https://console.example.com",
                "CONSOLE_ENDPOINT|http://console.example.com|must start with https://",
                "CONSOLE_ENDPOINT|console.example.com|must start with https://",
                "CONSOLE_ENDPOINT|https://console.example.com/v1/|has a path",
                "CONSOLE_ENDPOINT|https://admin:hunter2@console.example.com|must not contain a user name or password",
                "PAIRING_CODE|''|pairing code is empty",
                "PAIRING_CODE|K7Q2M9Z|it has 7 characters",
                "PAIRING_CODE|k7q2m9zx|lower-case",
                "PAIRING_CODE|K7Q2-M9Z|other than A-Z and 0-9",
                "SSH_PUBLIC_KEY|ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKCLnA/48jNjiH33|damaged",
                "SSH_PUBLIC_KEY|ssh-dss AAAAB3NzaC1kc3M=|not supported",
                "POD_CIDR|192.168.0.0|needs a /prefix",
                "POD_CIDR|192.168.0.0/25|too small: each node takes a /24 of it",
                "POD_CIDR|10.10.0.0/16|overlaps this VM's network 10.10.0.0/24: choose a range not used on your network, e.g. 192.168.0.0/16",
                "POD_CIDR|10.10.0.0/20|overlaps this VM's network",
                "SERVICE_CIDR|10.96.0.0/33|prefix must be from 0 to 32",
                "SERVICE_CIDR|172.16.0.0/11|too large: Kubernetes accepts at most /12",
                "SERVICE_CIDR|10.10.0.128/25|overlaps this VM's network 10.10.0.0/24",
                "SERVICE_CIDR|192.168.128.0/24|overlaps the Pod CIDR 192.168.0.0/16: the two ranges must be disjoint, e.g. 172.16.0.0/16",
                "HTTP_PROXY|https://10.10.0.5:3128|only http:// proxies are supported",
                "HTTP_PROXY|10.10.0.5:3128|has no scheme",
                "HTTPS_PROXY|http://:S3cr%40tPw@10.10.0.5:3128|has a password but no user name",
                "HTTPS_PROXY|http://pcguser:S3cr%40tPw@10.10.0.5:3128/path|has a path",
                "HTTPS_PROXY|http://pcguser:S3cr%40tPw@192.168.7.1:3128|contains the proxy",
                "NO_PROXY|http://vcenter.example.com|is a URL; give only the host name",
                "NO_PROXY|vcenter.example.com:443|has a port",
                "NO_PROXY|10.0.0.0/40|prefix must be from 0 to 32",
                "NO_PROXY|vcenter example com|not a host name, domain, IP address or CIDR",
            })
    void refuses(OvfProperty property, String value, String expected) throws Exception {
        Validation validation = validator.validate(
                OvfEnvFixture.validWithProxy().with(property, value).parse(), VM);

        assertThat(validation.settings()).isEmpty();
        assertThat(validation.problems()).hasSize(1);
        Problem problem = validation.problems().get(0);
        assertThat(problem.line()).contains(expected);
        assertThat(problem.line())
                .doesNotContain(
                        OvfEnvFixture.PIN,
                        OvfEnvFixture.PROXY_PASSWORD,
                        OvfEnvFixture.PROXY_PASSWORD_ENCODED,
                        "hunter2");
        if (expected.contains("contains the proxy")) {
            assertThat(problem.property()).isEqualTo(POD_CIDR);
        } else {
            assertThat(problem.line()).startsWith(property.label() + " (" + property.key() + "): ");
        }
    }

    @Test
    void bothProxiesOrNeither() throws Exception {
        assertThat(validator.validate(OvfEnvFixture.valid().parse(), VM).problems())
                .isEmpty();
        assertThat(validator
                        .validate(OvfEnvFixture.validWithProxy().parse(), VM)
                        .problems())
                .isEmpty();
        assertThat(validator
                        .validate(
                                OvfEnvFixture.validWithProxy()
                                        .with(HTTPS_PROXY, "http://other-proxy.example.com:8080")
                                        .parse(),
                                VM)
                        .problems())
                .isEmpty();

        Validation httpOnly = validator.validate(
                OvfEnvFixture.valid().with(HTTP_PROXY, OvfEnvFixture.PROXY).parse(), VM);
        assertThat(httpOnly.problems())
                .extracting(Problem::line)
                .containsExactly(
                        "HTTPS PROXY (pcg.httpsProxy): is empty but HTTP PROXY is set: set both (they may be the same URL,"
                                + " e.g. http://proxy.example.com:3128), or clear both for a direct connection");
        Validation httpsOnly = validator.validate(
                OvfEnvFixture.valid().with(HTTPS_PROXY, OvfEnvFixture.PROXY).parse(), VM);
        assertThat(httpsOnly.problems()).extracting(Problem::property).containsExactly(HTTP_PROXY);
    }

    @Test
    void reportsEveryProblemAtOnceOneLineEach() throws Exception {
        OvfEnvironment environment;
        try (InputStream xml = getClass().getResourceAsStream("/ovf-env/invalid-everything.xml")) {
            environment = OvfEnvironment.parse(xml.readAllBytes());
        }

        Validation validation = validator.validate(environment, VM);

        assertThat(validation.problems())
                .extracting(Problem::property)
                .containsExactly(
                        INSTALLER_NAME,
                        CONSOLE_ENDPOINT,
                        PAIRING_CODE,
                        SSH_PUBLIC_KEY,
                        SERVICE_CIDR,
                        POD_CIDR,
                        HTTPS_PROXY,
                        NO_PROXY);
        assertThat(validation.problems())
                .extracting(Problem::line)
                .allSatisfy(line -> assertThat(line).doesNotContain("\n"));
    }

    @Test
    void emptyOptionalPropertiesFallBackToTheSeedsDefaultsAndSaySo() throws Exception {
        Validation validation = validator.validate(
                OvfEnvFixture.valid()
                        .with(CONSOLE_ENDPOINT, "")
                        .with(POD_CIDR, " ")
                        .without(SERVICE_CIDR)
                        .with(SSH_PUBLIC_KEY, "")
                        .parse(),
                VM);

        InstallerSettings settings = validation.settings().orElseThrow();
        assertThat(settings.consoleEndpoint()).hasToString("https://console.spectrocloud.com");
        assertThat(settings.podCidr()).hasToString("192.168.0.0/16");
        assertThat(settings.serviceCidr()).hasToString("10.96.0.0/12");
        assertThat(settings.sshPublicKey()).isEmpty();
        assertThat(validation.notes())
                .anySatisfy(note ->
                        assertThat(note).contains("Pod CIDR (pcg.podCidr) is empty: using the default 192.168.0.0/16"))
                .anySatisfy(note -> assertThat(note).contains("nobody can log in over SSH"));
    }

    @Test
    void noProxyIsTheOperatorsListPlusEveryLocalNetwork() throws Exception {
        InstallerSettings settings = validator
                .validate(OvfEnvFixture.validWithProxy().parse(), VM)
                .settings()
                .orElseThrow();

        assertThat(String.join(",", settings.effectiveNoProxy()))
                .isEqualTo("vcenter.example.com,.example.org,10.20.0.0/16,"
                        + "localhost,127.0.0.1,192.168.0.0/16,10.96.0.0/12,.svc,.cluster.local,10.10.0.0/24");
    }

    @Test
    void notesWhenNoProxyIsSetWithoutAProxy() throws Exception {
        Validation validation = validator.validate(
                OvfEnvFixture.valid().with(NO_PROXY, ".example.org").parse(), VM);

        assertThat(validation.valid()).isTrue();
        assertThat(validation.notes()).anySatisfy(note -> assertThat(note).contains("no proxy is: it is ignored"));
    }
}
