package io.pcg.console.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micronaut.serde.ObjectMapper;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.MutableClock;
import io.pcg.console.TestKeys;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.gateway.Pins;
import io.pcg.console.pki.ConsoleCa;
import io.pcg.console.pki.Pem;
import io.pcg.proto.v1.PairingError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingServiceTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.atNow();
    private GatewayStore store;
    private ConsoleCa ca;
    private GatewayService gateways;
    private PairingService pairing;

    @BeforeEach
    void setUp() {
        ConsoleConfig config = new ConsoleConfig(
                0,
                "127.0.0.1",
                dataDir,
                Duration.ofHours(24),
                5,
                0,
                Duration.ofSeconds(45),
                List.of("localhost"),
                Duration.ofDays(365),
                ConsoleConfig.DEFAULT_MAX_LOG_BUNDLE_SIZE);
        store = new GatewayStore(dataDir, ObjectMapper.getDefault());
        Pins pins = new Pins(dataDir);
        ca = new ConsoleCa(dataDir, config.tlsHostnames(), clock);
        gateways = new GatewayService(store, pins, clock, config);
        pairing = new PairingService(
                store, pins, ca, new GatewayEvents(dataDir, store, ObjectMapper.getDefault(), clock), clock, config);
    }

    @Test
    void pairingSignsTheCsrAndUsesUpThePin() throws Exception {
        GatewayService.IssuedPin issued = gateways.create("pcg-dc1", Optional.empty());

        PairingService.Paired paired = pairing.pair("pcg-dc1", issued.pin(), TestKeys.csr(TestKeys.ecKeyPair()));

        assertThat(paired.gatewayId()).isEqualTo(issued.gateway().id()).startsWith("gw-");
        X509Certificate certificate = Pem.readCertificate(paired.clientCertificatePem(), "client");
        assertThat(ca.gatewayIdOf(certificate)).contains(paired.gatewayId());
        assertThat(paired.caBundlePem()).isEqualTo(ca.caPem());
        GatewayRecord record = store.get(paired.gatewayId());
        assertThat(record.state()).isEqualTo(GatewayState.PAIRED);
        assertThat(record.pinUsed()).isTrue();
        assertThat(record.certificateSerial()).isEqualTo(ConsoleCa.serialOf(certificate));
        assertThat(Files.readString(dataDir.resolve(GatewayStore.FILE), StandardCharsets.UTF_8))
                .as("the PIN is never stored")
                .doesNotContain(issued.pin());

        assertThat(rejection("pcg-dc1", issued.pin()).reason()).isEqualTo(PairingError.PAIRING_ERROR_PIN_USED);
    }

    @Test
    void eachRefusalHasItsOwnReason() {
        GatewayService.IssuedPin issued = gateways.create("pcg-dc1", Optional.of(Duration.ofMinutes(10)));

        PairingRejectedException unknown = rejection("pcg-nope", issued.pin());
        assertThat(unknown.reason()).isEqualTo(PairingError.PAIRING_ERROR_UNKNOWN_GATEWAY);
        assertThat(unknown.getMessage()).contains("pcg-nope").contains("Installer Name");

        PairingRejectedException wrong = rejection("pcg-dc1", "WRONG000");
        assertThat(wrong.reason()).isEqualTo(PairingError.PAIRING_ERROR_PIN_INVALID);
        assertThat(wrong.attemptsLeft()).isEqualTo(4);
        assertThat(wrong.getMessage()).contains("4 attempts left").doesNotContain(issued.pin());

        PairingRejectedException badCsr = catchThrowableOfType(
                PairingRejectedException.class,
                () -> pairing.pair("pcg-dc1", issued.pin(), TestKeys.csrSignedByAnotherKey()));
        assertThat(badCsr.reason()).isEqualTo(PairingError.PAIRING_ERROR_BAD_CSR);
        assertThat(store.get(issued.gateway().id()).pinUsed())
                .as("a bad CSR does not burn the PIN")
                .isFalse();

        clock.advance(Duration.ofMinutes(10));
        PairingRejectedException expired = rejection("pcg-dc1", issued.pin());
        assertThat(expired.reason()).isEqualTo(PairingError.PAIRING_ERROR_PIN_EXPIRED);
        assertThat(expired.getMessage()).contains("expired").contains("issue a new PIN");
    }

    @Test
    void fifthWrongPinLocksTheGatewayUntilANewPinIsIssued() throws Exception {
        GatewayService.IssuedPin issued = gateways.create("pcg-dc1", Optional.empty());
        for (int attempt = 1; attempt <= 5; attempt++) {
            PairingRejectedException wrong = rejection("pcg-dc1", "WRONG00" + attempt);
            assertThat(wrong.reason()).isEqualTo(PairingError.PAIRING_ERROR_PIN_INVALID);
            assertThat(wrong.attemptsLeft()).isEqualTo(5 - attempt);
        }
        assertThat(store.get(issued.gateway().id()).locked()).isTrue();

        PairingRejectedException locked = rejection("pcg-dc1", issued.pin());
        assertThat(locked.reason())
                .as("even the right PIN is refused")
                .isEqualTo(PairingError.PAIRING_ERROR_LOCKED_OUT);
        assertThat(locked.getMessage()).contains("locked").contains("new PIN");

        GatewayService.IssuedPin renewed = gateways.issueNewPin(issued.gateway().id(), Optional.empty());
        assertThat(renewed.pin()).isNotEqualTo(issued.pin());
        assertThat(rejection("pcg-dc1", issued.pin()).reason())
                .as("the old PIN is gone")
                .isEqualTo(PairingError.PAIRING_ERROR_PIN_INVALID);
        assertThat(pairing.pair("pcg-dc1", renewed.pin(), TestKeys.csr(TestKeys.ecKeyPair()))
                        .gatewayId())
                .isEqualTo(issued.gateway().id());
    }

    private PairingRejectedException rejection(String name, String pin) {
        return catchThrowableOfType(
                PairingRejectedException.class, () -> pairing.pair(name, pin, TestKeys.csr(TestKeys.ecKeyPair())));
    }
}
