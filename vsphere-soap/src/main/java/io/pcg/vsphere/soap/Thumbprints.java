package io.pcg.vsphere.soap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A server certificate's fingerprints as vSphere shows them ({@code AB:CD:...}, upper case). SHA-1 is what CAPV
 * and older vCenter UIs still ask for; SHA-256 is what an admin should compare.
 */
public record Thumbprints(String sha1, String sha256) {

    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public static Thumbprints of(X509Certificate certificate) {
        try {
            byte[] der = certificate.getEncoded();
            return new Thumbprints(
                    COLON_HEX.formatHex(MessageDigest.getInstance("SHA-1").digest(der)),
                    COLON_HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the server certificate", e);
        }
    }

    /**
     * Brings a pin typed or pasted by an admin to bare upper-case hex: separators ({@code :}, {@code -}, spaces)
     * and an optional {@code sha256:}/{@code sha1:} prefix are dropped.
     *
     * @throws IllegalArgumentException when it is not a SHA-1 (40 hex digits) or SHA-256 (64) fingerprint
     */
    public static String normalize(String pin) {
        if (pin == null || pin.isBlank()) {
            throw new IllegalArgumentException("the certificate thumbprint is empty");
        }
        String bare = pin.trim()
                .toUpperCase(Locale.ROOT)
                .replaceFirst("^SHA-?(1|256)[:=]", "")
                .replaceAll("[:\\-\\s]", "");
        if (!bare.matches("[0-9A-F]+") || bare.length() != 40 && bare.length() != 64) {
            throw new IllegalArgumentException("'" + pin + "' is not a certificate thumbprint: expected a SHA-256 "
                    + "(64 hex digits) or SHA-1 (40 hex digits) fingerprint such as AB:CD:...");
        }
        return bare;
    }

    /** True when the pin (either algorithm, any common notation) names this certificate. */
    public boolean matches(String pin) {
        String bare = normalize(pin);
        return bare.equals(sha256.replace(":", "")) || bare.equals(sha1.replace(":", ""));
    }
}
