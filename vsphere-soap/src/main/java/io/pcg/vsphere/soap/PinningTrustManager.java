package io.pcg.vsphere.soap;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a vCenter either by a pinned thumbprint (the usual case: vCenters mostly run on VMCA-signed certificates the
 * appliance cannot chain to) or, with no pin, by the JDK trust store including host name checks. It remembers the
 * certificate the server presented, so a refusal can tell the admin which thumbprint to confirm.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {

    private final String pin;
    private final X509ExtendedTrustManager systemTrust;
    private volatile X509Certificate presented;

    /** @param pin a thumbprint in any notation {@link Thumbprints#normalize} accepts, or {@code null} for CA trust */
    public PinningTrustManager(String pin) {
        this.pin = pin == null || pin.isBlank() ? null : Thumbprints.normalize(pin);
        this.systemTrust = this.pin == null ? systemTrustManager() : null;
    }

    /** The certificate the server presented in the last handshake, or {@code null} before any. */
    public X509Certificate presented() {
        return presented;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (pinAccepts(chain)) {
            return;
        }
        systemTrust.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (pinAccepts(chain)) {
            return;
        }
        systemTrust.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (pinAccepts(chain)) {
            return;
        }
        systemTrust.checkServerTrusted(chain, authType);
    }

    /** True when pinned and matching; throws when pinned and not matching; false when the CA path decides. */
    private boolean pinAccepts(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        presented = chain[0];
        if (pin == null) {
            return false;
        }
        Thumbprints actual = Thumbprints.of(chain[0]);
        if (!actual.matches(pin)) {
            throw new ThumbprintMismatchException(actual);
        }
        return true;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private static X509ExtendedTrustManager systemTrustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK has no X509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK trust store", e);
        }
    }

    /** The server's certificate is not the pinned one. */
    public static final class ThumbprintMismatchException extends CertificateException {
        private final transient Thumbprints actual;

        ThumbprintMismatchException(Thumbprints actual) {
            super("the server certificate does not match the pinned thumbprint (it is SHA-256 " + actual.sha256()
                    + ")");
            this.actual = actual;
        }

        public Thumbprints actual() {
            return actual;
        }
    }
}
