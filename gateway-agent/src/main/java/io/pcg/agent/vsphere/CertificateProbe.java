package io.pcg.agent.vsphere;

import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.common.secrets.Secret;
import io.pcg.vsphere.soap.Thumbprints;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches a server's certificate without trusting it, so an admin can compare its thumbprint with the one vCenter
 * shows before the agent pins it. Nothing is sent over the connection but the TLS handshake.
 */
public final class CertificateProbe {

    private CertificateProbe() {}

    /** The presented certificate: thumbprints plus what helps an admin recognise it. */
    public record ServerCertificate(Thumbprints thumbprints, String subject, String issuer, Instant notAfter) {}

    public static ServerCertificate fetch(String host, int port, Duration timeout) throws VsphereException {
        VsphereLogin target = new VsphereLogin(host, port, "-", Secret.empty(), null);
        Recorder recorder = new Recorder();
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {recorder}, null);
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                raw.setSoTimeout((int) timeout.toMillis());
                try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, false)) {
                    socket.startHandshake();
                }
            }
        } catch (SocketTimeoutException e) {
            if (recorder.leaf == null) {
                throw new VsphereException(
                        Reason.TIMEOUT,
                        "vCenter " + target.authority()
                                + " accepted the connection but did not complete a TLS handshake within "
                                + timeout.toSeconds()
                                + "s",
                        "Check that the address and port point at the vCenter Server's HTTPS port (443).");
            }
        } catch (IOException e) {
            if (recorder.leaf == null) {
                throw VsphereErrors.classify("reading its certificate", e, target, timeout, timeout, null);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
        X509Certificate leaf = recorder.leaf;
        return new ServerCertificate(
                Thumbprints.of(leaf),
                leaf.getSubjectX500Principal().getName(),
                leaf.getIssuerX500Principal().getName(),
                leaf.getNotAfter().toInstant());
    }

    private static final class Recorder implements X509TrustManager {
        private volatile X509Certificate leaf;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            if (chain != null && chain.length > 0) {
                leaf = chain[0];
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
