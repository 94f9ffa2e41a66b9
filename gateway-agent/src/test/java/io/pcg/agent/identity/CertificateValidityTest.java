package io.pcg.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Renewal at 2/3 of the certificate's life, retries after a failed renewal, expiry. */
class CertificateValidityTest {

    private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    private static final CertificateValidity ONE_YEAR =
            new CertificateValidity("1f", NOT_BEFORE, NOT_BEFORE.plus(Duration.ofDays(360)));

    @Test
    void renewalIsDueAtTwoThirdsOfTheLife() {
        assertThat(ONE_YEAR.renewAt()).isEqualTo(NOT_BEFORE.plus(Duration.ofDays(240)));
        assertThat(ONE_YEAR.untilRenewal(NOT_BEFORE)).isEqualTo(Duration.ofDays(240));
        assertThat(ONE_YEAR.untilRenewal(NOT_BEFORE.plus(Duration.ofDays(239)))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void renewalIsDueAtOnceWhenTwoThirdsHavePassed() {
        assertThat(ONE_YEAR.untilRenewal(NOT_BEFORE.plus(Duration.ofDays(240)))).isZero();
        assertThat(ONE_YEAR.untilRenewal(NOT_BEFORE.plus(Duration.ofDays(300)))).isZero();
        assertThat(ONE_YEAR.untilRenewal(NOT_BEFORE.plus(Duration.ofDays(400)))).isZero();
    }

    @Test
    void aShortLivedCertificateRenewsAtTwoThirdsToo() {
        CertificateValidity thirtySeconds = new CertificateValidity("2a", NOT_BEFORE, NOT_BEFORE.plusSeconds(30));

        assertThat(thirtySeconds.untilRenewal(NOT_BEFORE.plusSeconds(5))).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aFailedRenewalIsRetriedAfterATenthOfTheTimeLeftBetweenOneSecondAndOneHour() {
        assertThat(ONE_YEAR.retryDelay(NOT_BEFORE.plus(Duration.ofDays(240))))
                .isEqualTo(CertificateValidity.LONGEST_RETRY);
        assertThat(ONE_YEAR.retryDelay(ONE_YEAR.notAfter().minus(Duration.ofMinutes(50))))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(ONE_YEAR.retryDelay(ONE_YEAR.notAfter().minusSeconds(3))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ONE_YEAR.retryDelay(ONE_YEAR.notAfter().plusSeconds(3))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void expiresAtNotAfter() {
        assertThat(ONE_YEAR.expiredAt(ONE_YEAR.notAfter().minusMillis(1))).isFalse();
        assertThat(ONE_YEAR.expiredAt(ONE_YEAR.notAfter())).isTrue();
    }

    @Test
    void somethingThatIsNotACertificateIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() ->
                        CertificateValidity.of("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read")
                .hasMessageNotContaining("c2VjcmV0");
    }
}
