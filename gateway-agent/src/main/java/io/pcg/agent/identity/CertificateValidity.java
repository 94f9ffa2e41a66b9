package io.pcg.agent.identity;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When the agent's client certificate is valid and when it renews it: at 2/3 of its life, which leaves a third of the
 * life (four months of a one-year certificate) to retry a renewal that fails, and keeps certificates short-lived in
 * tests from renewing in a loop.
 *
 * @param serial    the certificate's serial number, lower-case hex as the console shows it
 * @param notBefore start of validity
 * @param notAfter  end of validity
 */
public record CertificateValidity(String serial, Instant notBefore, Instant notAfter) {

    /** Renewal retries after a failure wait this long at most, so a console outage delays renewal by no more. */
    static final Duration LONGEST_RETRY = Duration.ofHours(1);

    private static final Duration SHORTEST_RETRY = Duration.ofSeconds(1);

    /**
     * @throws IllegalArgumentException when the text is not a PEM X.509 certificate
     */
    public static CertificateValidity of(String certificatePem) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            return new CertificateValidity(
                    certificate.getSerialNumber().toString(16),
                    certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "the stored client certificate cannot be read ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /** The moment two thirds of the validity have passed. */
    public Instant renewAt() {
        return notBefore.plus(
                Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }

    /** How long until renewal is due; zero once it is. */
    public Duration untilRenewal(Instant now) {
        Duration left = Duration.between(now, renewAt());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** How long to wait before trying again after a failed renewal: a tenth of the time left, 1 s to 1 h. */
    public Duration retryDelay(Instant now) {
        Duration tenth = Duration.between(now, notAfter).dividedBy(10);
        if (tenth.compareTo(SHORTEST_RETRY) < 0) {
            return SHORTEST_RETRY;
        }
        return tenth.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : tenth;
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(notAfter);
    }
}
