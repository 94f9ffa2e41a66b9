package io.pcg.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThumbprintsTest {

    private static final Thumbprints CERT = new Thumbprints(
            "2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9",
            "44:8F:62:8A:8A:65:AA:18:56:0E:53:A8:0C:53:AC:B3:8C:51:B4:27:DF:03:34:08:23:49:14:11:47:DC:9B:F6");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "44:8F:62:8A:8A:65:AA:18:56:0E:53:A8:0C:53:AC:B3:8C:51:B4:27:DF:03:34:08:23:49:14:11:47:DC:9B:F6",
                "448f628a8a65aa18560e53a80c53acb38c51b427df03340823491411 47dc9bf6",
                "sha256:448F628A8A65AA18560E53A80C53ACB38C51B427DF0334082349141147DC9BF6",
                "2c-11-ed-d7-13-87-7d-b5-74-18-b8-1c-42-c2-56-1f-0d-b9-5b-b9",
                " 2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9 "
            })
    void matchesEitherAlgorithmInCommonNotations(String pin) {
        assertThat(CERT.matches(pin)).isTrue();
    }

    @Test
    void doesNotMatchAnotherCertificate() {
        assertThat(CERT.matches("AA".repeat(32))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "44:8F:62 | not a certificate thumbprint",
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz | 64 hex digits"
            })
    void rejectsWhatIsNotAThumbprint(String pin, String message) {
        assertThatThrownBy(() -> Thumbprints.normalize(pin))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** vcenter-test.pem is a throwaway certificate; the expected values are what {@code openssl x509 -fingerprint} printed. */
    @Test
    void formatsDigestsAsVsphereShowsThem() throws Exception {
        X509Certificate certificate;
        try (InputStream pem = ThumbprintsTest.class.getResourceAsStream("vcenter-test.pem")) {
            certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
        }
        Thumbprints thumbprints = Thumbprints.of(certificate);
        assertThat(thumbprints.sha256())
                .isEqualTo(
                        "4F:4C:BB:F8:1E:9C:E4:37:E5:E2:07:2D:0E:FA:A5:9A:F4:F7:7C:07:B3:7E:9D:9C:86:FE:F1:12:23:CF:4C:2A");
        assertThat(thumbprints.sha1()).isEqualTo("BB:2C:79:EF:75:82:EB:B2:0E:8F:10:3C:1B:52:F1:6D:3A:0F:03:C0");
        assertThat(thumbprints.matches(thumbprints.sha1())).isTrue();
    }
}
