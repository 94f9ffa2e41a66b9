package io.pcg.cli.doctor;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * vCenter reachable, and its certificate the one the gateway is pinned to. Server and pin come from the agent's
 * management port ({@code GET /status}: the stored cloud account without its credentials).
 */
final class VcenterCheck {

    static final String CHECK = "vCenter certificate";
    private static final int HTTPS = 443;
    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    /**
     * What the agent said about its vCenter.
     *
     * @param server     host[:port]; empty before "Configure"
     * @param thumbprint pinned SHA-256 or SHA-1 fingerprint; empty when none is pinned
     * @param problem    why the agent could not say; empty when it could
     */
    record Pinned(String server, String thumbprint, String problem) {}

    private final DoctorSettings settings;

    VcenterCheck(DoctorSettings settings) {
        this.settings = settings;
    }

    CheckResult run(Optional<Pinned> fromAgent) {
        if (fromAgent.isEmpty()) {
            return CheckResult.skip(CHECK, "vCenter is not configured yet (the console's \"Configure\" sets it)");
        }
        Pinned pinned = fromAgent.get();
        if (!pinned.problem().isEmpty()) {
            return CheckResult.warn(
                    CHECK,
                    "cannot tell which vCenter is configured: " + pinned.problem(),
                    "start the agent ('sudo systemctl start pcg-agent') or see 'pcg status'");
        }
        HostPort server;
        try {
            server = HostPort.parse(pinned.server(), HTTPS);
        } catch (IllegalArgumentException e) {
            return CheckResult.fail(
                    CHECK,
                    "the configured vCenter '" + pinned.server() + "' is not an address: " + e.getMessage(),
                    "reset the gateway from the console and configure it with the vCenter's host name");
        }
        X509Certificate certificate;
        try (Socket tunnel =
                Tunnel.open(server, settings.proxy().proxyFor("https", server.host()), settings.timeout())) {
            certificate = Tls.serverCertificate(tunnel, server);
        } catch (IOException | GeneralSecurityException e) {
            return CheckResult.fail(
                    CHECK,
                    "vCenter " + server + " unreachable: " + Tunnel.describe(e),
                    "check that this VM reaches " + server
                            + " (firewall; vCenter belongs in NO_PROXY unless the proxy must carry it)");
        }
        if (pinned.thumbprint().isEmpty()) {
            return CheckResult.pass(
                    CHECK,
                    "vCenter " + server + " reachable; no thumbprint pinned, its certificate is" + " SHA-256 "
                            + fingerprint(certificate, "SHA-256"));
        }
        String bare = pinned.thumbprint()
                .toUpperCase(Locale.ROOT)
                .replaceFirst("^SHA-?(1|256)[:=]", "")
                .replaceAll("[:\\-\\s]", "");
        String algorithm = bare.length() == 40 ? "SHA-1" : "SHA-256";
        String live = fingerprint(certificate, algorithm);
        if (live.replace(":", "").equals(bare)) {
            return CheckResult.pass(
                    CHECK, "vCenter " + server + " presents the pinned certificate (" + algorithm + " " + live + ")");
        }
        return CheckResult.fail(
                CHECK,
                "vCenter " + server + " presents " + algorithm + " " + live + " but the gateway is pinned to "
                        + pinned.thumbprint() + ": thumbprint mismatch",
                "if vCenter's certificate was replaced on purpose, update the thumbprint of the gateway's cloud account in the"
                        + " console (compare with the certificate in the vSphere Client); otherwise something else answers at "
                        + server + " (wrong address, TLS inspection)");
    }

    static String fingerprint(X509Certificate certificate, String algorithm) {
        try {
            return COLON_HEX.formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint vCenter's certificate with " + algorithm, e);
        }
    }
}
