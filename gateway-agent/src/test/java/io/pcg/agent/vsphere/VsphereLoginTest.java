package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.secrets.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VsphereLoginTest {

    @ParameterizedTest
    @CsvSource({
        "vc.example.com, vc.example.com, 443",
        "vc.example.com:8443, vc.example.com, 8443",
        "10.0.0.5, 10.0.0.5, 443",
        "https://vc.example.com/sdk, vc.example.com, 443",
        "'[fd00::5]:444', fd00::5, 444"
    })
    void acceptsWhatAdminsType(String server, String host, int port) {
        VsphereLogin login = VsphereLogin.of(server, "administrator@vsphere.local", Secret.of("pw"), null);
        assertThat(login.host()).isEqualTo(host);
        assertThat(login.port()).isEqualTo(port);
        assertThat(login.sdkUri().getPath()).isEqualTo("/sdk");
    }

    @Test
    void rejectsBadInputWithAReason() {
        assertThatThrownBy(() -> VsphereLogin.of(" ", "u", Secret.of("p"), null))
                .hasMessageContaining("server is empty");
        assertThatThrownBy(() -> VsphereLogin.of("http://vc", "u", Secret.of("p"), null))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> VsphereLogin.of("vc", "", Secret.of("p"), null))
                .hasMessageContaining("user name is empty");
        assertThatThrownBy(() -> VsphereLogin.of("vc", "u", Secret.of("p"), "12:34"))
                .hasMessageContaining("thumbprint");
    }

    @Test
    void neverPrintsThePassword() {
        VsphereLogin login = VsphereLogin.of("vc", "u", Secret.of("Sup3r-secret"), null);
        assertThat(login.toString()).doesNotContain("Sup3r-secret");
    }
}
