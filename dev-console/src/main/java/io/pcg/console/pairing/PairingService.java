package io.pcg.console.pairing;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.gateway.Pins;
import io.pcg.console.pki.ConsoleCa;
import io.pcg.console.pki.CsrRejectedException;
import io.pcg.console.pki.Pem;
import io.pcg.proto.v1.PairingError;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades a PIN and a CSR for a client certificate. The checks run in a fixed order so each refusal has its own
 * reason: unknown name, locked, PIN used, PIN expired, wrong PIN (counted; the last allowed one locks the record),
 * bad CSR. A bad CSR with the right PIN neither uses the PIN nor counts as a failure.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class PairingService {

    private static final Logger LOG = LoggerFactory.getLogger(PairingService.class);

    private final GatewayStore store;
    private final Pins pins;
    private final ConsoleCa ca;
    private final GatewayEvents events;
    private final Clock clock;
    private final int maxPinFailures;

    public PairingService(
            GatewayStore store, Pins pins, ConsoleCa ca, GatewayEvents events, Clock clock, ConsoleConfig config) {
        this.store = store;
        this.pins = pins;
        this.ca = ca;
        this.events = events;
        this.clock = clock;
        this.maxPinFailures = config.maxPinFailures();
    }

    /** What the agent receives: its id, its certificate and the CA bundle to trust from now on. */
    public record Paired(String gatewayId, String clientCertificatePem, String caBundlePem) {}

    /** Serialized so that two agents racing with the same PIN cannot both win it. */
    public synchronized Paired pair(String gatewayName, String pairingCode, byte[] csrDer)
            throws PairingRejectedException {
        GatewayRecord gateway = store.findByName(gatewayName)
                .orElseThrow(() -> reject(
                        null,
                        gatewayName,
                        new PairingRejectedException(
                                PairingError.PAIRING_ERROR_UNKNOWN_GATEWAY,
                                "no gateway named '"
                                        + gatewayName
                                        + "' exists in the console; the Installer Name must match the gateway's name"
                                        + " exactly (create the gateway first)")));
        Instant now = clock.instant();
        if (gateway.locked()) {
            throw reject(
                    gateway.id(),
                    gatewayName,
                    new PairingRejectedException(
                            PairingError.PAIRING_ERROR_LOCKED_OUT,
                            "gateway '" + gatewayName + "' is locked after " + gateway.failedAttempts()
                                    + " wrong PINs; an admin must issue a new PIN for it"));
        }
        if (gateway.pinUsed()) {
            throw reject(
                    gateway.id(),
                    gatewayName,
                    new PairingRejectedException(
                            PairingError.PAIRING_ERROR_PIN_USED,
                            "the PIN of gateway '" + gatewayName + "' was already used to pair; PINs are single use,"
                                    + " issue a new PIN for the gateway"));
        }
        if (!now.isBefore(gateway.pinExpiresAt())) {
            throw reject(
                    gateway.id(),
                    gatewayName,
                    new PairingRejectedException(
                            PairingError.PAIRING_ERROR_PIN_EXPIRED,
                            "the PIN of gateway '" + gatewayName + "' expired at " + gateway.pinExpiresAt()
                                    + "; issue a new PIN for the gateway"));
        }
        if (!pins.matches(pairingCode, gateway.pinHash())) {
            GatewayRecord counted = store.update(gateway.id(), current -> current.withFailedAttempt(maxPinFailures));
            int attemptsLeft = Math.max(0, maxPinFailures - counted.failedAttempts());
            String consequence = counted.locked()
                    ? "the gateway is now locked; an admin must issue a new PIN for it"
                    : attemptsLeft + (attemptsLeft == 1 ? " attempt" : " attempts") + " left before the gateway locks";
            throw reject(
                    gateway.id(),
                    gatewayName,
                    new PairingRejectedException(
                            PairingError.PAIRING_ERROR_PIN_INVALID,
                            "wrong PIN for gateway '" + gatewayName + "': " + consequence
                                    + "; check the Pairing Code property",
                            attemptsLeft));
        }
        X509Certificate certificate;
        try {
            certificate = ca.signClientCertificate(csrDer, gateway.id());
        } catch (CsrRejectedException e) {
            throw reject(
                    gateway.id(),
                    gatewayName,
                    new PairingRejectedException(
                            PairingError.PAIRING_ERROR_BAD_CSR,
                            "cannot sign the certificate request: " + e.getMessage()));
        }
        store.update(
                gateway.id(),
                current -> current.paired(
                        ConsoleCa.serialOf(certificate),
                        certificate.getNotAfter().toInstant(),
                        now));
        LOG.info(
                "Gateway {} ({}) paired; client certificate serial {}",
                gateway.id(),
                gatewayName,
                ConsoleCa.serialOf(certificate));
        events.recordFromConsole(
                gateway.id(), "Info", "Paired", "The agent paired and received its client certificate");
        return new Paired(gateway.id(), Pem.certificate(certificate), ca.caPem());
    }

    private PairingRejectedException reject(String gatewayId, String gatewayName, PairingRejectedException rejection) {
        LOG.warn(
                "Pairing refused for gateway name '{}': {} ({})",
                gatewayName,
                rejection.reason(),
                rejection.getMessage());
        if (gatewayId != null) {
            events.recordFromConsole(gatewayId, "Warning", "PairingRefused", rejection.getMessage());
        }
        return rejection;
    }
}
