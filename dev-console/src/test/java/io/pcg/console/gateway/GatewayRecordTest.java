package io.pcg.console.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which client certificates a gateway record accepts through pairing, renewal and revocation. */
class GatewayRecordTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Instant IN_A_YEAR = NOW.plus(Duration.ofDays(365));

    private final GatewayRecord paired = GatewayRecord.created(
                    "gw-1", "pcg-a", "hash", NOW, NOW.plus(Duration.ofDays(1)))
            .paired("aaa", IN_A_YEAR, NOW);

    @Test
    void afterPairingOnlyThatCertificateIsAccepted() {
        assertThat(paired.accepts("aaa")).isTrue();
        assertThat(paired.accepts("bbb")).isFalse();
        assertThat(paired.certificateExpiresAt()).isEqualTo(IN_A_YEAR);
    }

    @Test
    void afterARenewalTheNewCertificateAndTheOneItWasRequestedWithAreAccepted() {
        GatewayRecord renewed = paired.renewed("aaa", "bbb", IN_A_YEAR.plus(Duration.ofDays(240)));

        assertThat(renewed.accepts("aaa")).isTrue();
        assertThat(renewed.accepts("bbb")).isTrue();
        assertThat(renewed.certificateExpiresAt()).isEqualTo(IN_A_YEAR.plus(Duration.ofDays(240)));
        assertThat(renewed.renewed("bbb", "ccc", IN_A_YEAR).accepts("aaa")).isFalse();
    }

    @Test
    void pairingAgainRefusesEveryEarlierCertificate() {
        GatewayRecord repaired = paired.renewed("aaa", "bbb", IN_A_YEAR).paired("ccc", IN_A_YEAR, NOW);

        assertThat(repaired.accepts("aaa")).isFalse();
        assertThat(repaired.accepts("bbb")).isFalse();
        assertThat(repaired.accepts("ccc")).isTrue();
    }

    @Test
    void aRevokedGatewayAcceptsNothingUntilItPairsAgain() {
        GatewayRecord revoked = paired.renewed("aaa", "bbb", IN_A_YEAR).revoked(NOW);

        assertThat(revoked.state()).isEqualTo(GatewayState.REVOKED);
        assertThat(revoked.accepts("aaa")).isFalse();
        assertThat(revoked.accepts("bbb")).isFalse();
        GatewayRecord repaired = revoked.paired("ccc", IN_A_YEAR, NOW);
        assertThat(repaired.revokedAt()).isNull();
        assertThat(repaired.accepts("ccc")).isTrue();
    }
}
