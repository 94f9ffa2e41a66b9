package io.pcg.installer.ovf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.installer.OvfEnvFixture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OvfEnvironmentTest {

    @Test
    void readsEveryPropertyOfTheDocumentVsphereWrites() throws Exception {
        OvfEnvironment environment;
        try (InputStream xml = getClass().getResourceAsStream("/ovf-env/vsphere-proxy.xml")) {
            environment = OvfEnvironment.parse(xml.readAllBytes());
        }

        assertThat(environment.value(OvfProperty.INSTALLER_NAME)).isEqualTo("vcenter-dc1");
        assertThat(environment.value(OvfProperty.CONSOLE_ENDPOINT)).isEqualTo("https://console.example.com");
        assertThat(environment.value(OvfProperty.PAIRING_CODE)).isEqualTo(OvfEnvFixture.PIN);
        assertThat(environment.value(OvfProperty.SSH_PUBLIC_KEY)).isEqualTo(OvfEnvFixture.ED25519);
        assertThat(environment.value(OvfProperty.POD_CIDR)).isEqualTo("192.168.0.0/16");
        assertThat(environment.value(OvfProperty.SERVICE_CIDR)).isEqualTo("10.96.0.0/12");
        assertThat(environment.value(OvfProperty.HTTP_PROXY)).isEqualTo(OvfEnvFixture.PROXY);
        assertThat(environment.value(OvfProperty.HTTPS_PROXY)).isEqualTo(OvfEnvFixture.PROXY);
        assertThat(environment.value(OvfProperty.NO_PROXY))
                .isEqualTo("vcenter.example.com, .example.org, 10.20.0.0/16");
    }

    @Test
    void aPropertyTheEnvironmentLacksIsEmpty() throws Exception {
        OvfEnvironment environment =
                OvfEnvFixture.valid().without(OvfProperty.NO_PROXY).parse();

        assertThat(environment.value(OvfProperty.NO_PROXY)).isEmpty();
    }

    @Test
    void refusesAnExternalEntityWithoutReadingIt() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE Environment [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
                <Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1">
                  <PropertySection><Property oe:key="pcg.installerName" oe:value="&secret;"/></PropertySection>
                </Environment>
                """;

        String stderr =
                captureStderr(() -> assertThatThrownBy(() -> OvfEnvironment.parse(xxe.getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(InvalidOvfEnvironmentException.class)
                        .hasMessageContaining("DOCTYPE")
                        .hasMessageContaining("deploy the OVA again")
                        .message()
                        .doesNotContain("root:"));

        assertThat(stderr).as("the parser must not print its own error lines").isEmpty();
    }

    @Test
    void refusesEntityExpansionBombs() {
        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
                <Environment xmlns="http://schemas.dmtf.org/ovf/environment/1">&lol2;</Environment>
                """;

        assertThatThrownBy(() -> OvfEnvironment.parse(laughs.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "<Environment xmlns='http://schemas.dmtf.org/ovf/environment/1'><PropertySection>|not well-formed XML (line 1",
                "not xml at all|not well-formed XML",
                "''|not well-formed XML",
                "<Envelope xmlns='http://schemas.dmtf.org/ovf/envelope/1'/>|expected Environment",
                "<Environment/>|expected Environment in namespace http://schemas.dmtf.org/ovf/environment/1",
            })
    void refusesDocumentsThatAreNotAnOvfEnvironment(String xml, String expected) {
        assertThatThrownBy(() -> OvfEnvironment.parse(xml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void refusesAPropertySetTwice() {
        String twice = OvfEnvFixture.valid()
                .xml()
                .replace(
                        "<PropertySection>",
                        "<PropertySection><Property oe:key=\"pcg.podCidr\" oe:value=\"10.1.0.0/16\"/>");

        assertThatThrownBy(() -> OvfEnvironment.parse(twice.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .hasMessageContaining("'pcg.podCidr' twice");
    }

    @Test
    void malformedDocumentsDoNotEchoThePin() {
        String broken = OvfEnvFixture.valid().xml().replace("</PropertySection>", "");

        assertThatThrownBy(() -> OvfEnvironment.parse(broken.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .message()
                .doesNotContain(OvfEnvFixture.PIN);
    }

    private static String captureStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
