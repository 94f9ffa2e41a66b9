package io.pcg.console.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.console.MutableClock;
import io.pcg.console.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCaTest {

    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1");

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.atNow();

    @Test
    void createsCaAndServerCertificateOnceAndReusesThem() throws Exception {
        ConsoleCa first = new ConsoleCa(dataDir, HOSTS, clock);
        for (String file : List.of(ConsoleCa.CA_KEY_FILE, ConsoleCa.SERVER_KEY_FILE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file))))
                    .as(file)
                    .isEqualTo("rw-------");
        }
        X509Certificate ca = first.caCertificate();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Duration.between(
                                ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant())
                        .toDays())
                .isGreaterThanOrEqualTo(3650);

        ConsoleCa restarted = new ConsoleCa(dataDir, HOSTS, clock);
        assertThat(restarted.caPem()).isEqualTo(first.caPem());
        assertThat(restarted.serverCertificatePem()).isEqualTo(first.serverCertificatePem());
        assertThat(Files.readString(first.caFile())).isEqualTo(first.caPem());
    }

    @Test
    void serverCertificateNamesTheConfiguredHostsAndIsReissuedWhenTheyChange() throws Exception {
        ConsoleCa first = new ConsoleCa(dataDir, HOSTS, clock);
        X509Certificate server = Pem.readCertificate(first.serverCertificatePem(), "server");
        assertThat(server.getSubjectAlternativeNames())
                .extracting(name -> (Object) String.valueOf(name.get(1)))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");
        server.verify(first.caCertificate().getPublicKey());

        ConsoleCa moved = new ConsoleCa(dataDir, List.of("console.example.net"), clock);
        assertThat(moved.caPem()).isEqualTo(first.caPem());
        assertThat(Pem.readCertificate(moved.serverCertificatePem(), "server").getSubjectAlternativeNames())
                .extracting(name -> (Object) String.valueOf(name.get(1)))
                .containsExactly("console.example.net");
    }

    @Test
    void refusesToStartWithHalfACa() throws Exception {
        new ConsoleCa(dataDir, HOSTS, clock);
        Files.delete(dataDir.resolve(ConsoleCa.CA_KEY_FILE));
        assertThatThrownBy(() -> new ConsoleCa(dataDir, HOSTS, clock))
                .hasMessageContaining("found only one of")
                .hasMessageContaining("restore the missing file");
    }

    @Test
    void signsClientCertificatesForEcAndRsaCsrs() throws Exception {
        ConsoleCa ca = new ConsoleCa(dataDir, HOSTS, clock);
        for (KeyPair keys : List.of(TestKeys.ecKeyPair(), TestKeys.rsaKeyPair(2048))) {
            X509Certificate client = ca.signClientCertificate(TestKeys.csr(keys), "gw-0123");
            client.verify(ca.caCertificate().getPublicKey());
            assertThat(client.getPublicKey()).isEqualTo(keys.getPublic());
            assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=gw-0123");
            assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
            assertThat(client.getBasicConstraints()).isEqualTo(-1);
            assertThat(Duration.between(
                                    client.getNotBefore().toInstant(),
                                    client.getNotAfter().toInstant())
                            .toDays())
                    .isBetween(365L, 366L);
            assertThat(ca.gatewayIdOf(client)).contains("gw-0123");
        }
    }

    @Test
    void rejectsBadCsrs() {
        ConsoleCa ca = new ConsoleCa(dataDir, HOSTS, clock);
        assertThatThrownBy(() -> ca.signClientCertificate(new byte[] {1, 2, 3}, "gw-1"))
                .isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("not a DER-encoded PKCS#10");
        assertThatThrownBy(() -> ca.signClientCertificate(TestKeys.csrSignedByAnotherKey(), "gw-1"))
                .isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("signature does not match");
        assertThatThrownBy(() -> ca.signClientCertificate(TestKeys.csr(TestKeys.rsaKeyPair(1024)), "gw-1"))
                .isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("at least 2048");
    }

    @Test
    void recognisesOnlyItsOwnUnexpiredClientCertificates(@TempDir Path otherDataDir) throws Exception {
        ConsoleCa ca = new ConsoleCa(dataDir, HOSTS, clock);
        ConsoleCa otherCa = new ConsoleCa(otherDataDir, HOSTS, clock);
        X509Certificate foreign = otherCa.signClientCertificate(TestKeys.csr(TestKeys.ecKeyPair()), "gw-1");
        assertThat(ca.gatewayIdOf(foreign)).isEmpty();

        X509Certificate server = Pem.readCertificate(ca.serverCertificatePem(), "server");
        assertThat(ca.gatewayIdOf(server))
                .as("a server certificate is no client identity")
                .isEmpty();

        X509Certificate own = ca.signClientCertificate(TestKeys.csr(TestKeys.ecKeyPair()), "gw-1");
        clock.advance(Duration.ofDays(400));
        assertThat(ca.gatewayIdOf(own)).as("expired").isEmpty();
    }
}
