package io.pcg.console.pairing;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.pki.ConsoleCa;
import io.pcg.console.pki.CsrRejectedException;
import io.pcg.console.pki.Pem;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a gateway's next client certificate, for a caller already authenticated by its current one (see
 * {@code ClientCertificateInterceptor}). Signing is the same as at pairing; the certificate the request came with
 * stays accepted until it expires, so the agent loses nothing if it cannot switch at once.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class CertificateRenewalService {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewalService.class);

    private final GatewayStore store;
    private final ConsoleCa ca;
    private final GatewayEvents events;

    public CertificateRenewalService(GatewayStore store, ConsoleCa ca, GatewayEvents events) {
        this.store = store;
        this.ca = ca;
        this.events = events;
    }

    /** What the agent receives: its new certificate and the CA bundle to trust from now on. */
    public record Renewed(String clientCertificatePem, String caBundlePem) {}

    /**
     * @param requestedWithSerial serial (hex) of the certificate the caller authenticated with
     * @throws CsrRejectedException when the CSR cannot be parsed, its signature fails or its key is weak
     */
    public Renewed renew(String gatewayId, String requestedWithSerial, byte[] csrDer) throws CsrRejectedException {
        X509Certificate certificate = ca.signClientCertificate(csrDer, gatewayId);
        String serial = ConsoleCa.serialOf(certificate);
        store.update(
                gatewayId,
                current -> current.renewed(
                        requestedWithSerial, serial, certificate.getNotAfter().toInstant()));
        LOG.info(
                "Gateway {} renewed its client certificate: serial {} valid until {} (serial {} stays valid until it expires)",
                gatewayId,
                serial,
                certificate.getNotAfter().toInstant(),
                requestedWithSerial);
        events.recordFromConsole(
                gatewayId,
                "Info",
                "CertificateRenewed",
                "The agent renewed its client certificate; the" + " new one is valid until "
                        + certificate.getNotAfter().toInstant());
        return new Renewed(Pem.certificate(certificate), ca.caPem());
    }
}
