package io.pcg.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS handshakes over an open {@link Tunnel}: verified as the agent does, or only to read the server's certificate. */
final class Tls {

    static final String HTTP2 = "h2";

    private Tls() {}

    /**
     * A verified handshake offering HTTP/2 (ALPN), as gRPC does; trusts the JDK's CAs and the given CA files.
     *
     * @return the protocol the server picked; empty when it picked none
     */
    static String verifiedHandshake(Socket tunnel, HostPort server, List<Path> caFiles)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trusting(caFiles)}, null);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(tunnel, server.host(), server.port(), true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {HTTP2});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            String protocol = socket.getApplicationProtocol();
            return protocol == null ? "" : protocol;
        }
    }

    /** The server's own certificate, whoever signed it: for comparing its fingerprint with a pinned one. */
    static X509Certificate serverCertificate(Socket tunnel, HostPort server)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new RecordingTrustManager()}, null);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(tunnel, server.host(), server.port(), true)) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    /** The JDK's default trust plus every certificate in the readable files among {@code caFiles}. */
    private static X509TrustManager trusting(List<Path> caFiles) throws IOException, GeneralSecurityException {
        List<X509TrustManager> managers = new ArrayList<>();
        managers.add(defaultTrust(null));
        KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
        extra.load(null, null);
        CertificateFactory certificates = CertificateFactory.getInstance("X.509");
        for (Path file : caFiles) {
            if (Files.isReadable(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    int index = 0;
                    for (Certificate certificate : certificates.generateCertificates(in)) {
                        extra.setCertificateEntry(file + "#" + index++, certificate);
                    }
                }
            }
        }
        if (extra.size() > 0) {
            managers.add(defaultTrust(extra));
        }
        return new AnyOfTrustManager(managers);
    }

    private static X509TrustManager defaultTrust(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
    }

    /** Trusts a server any one of the managers trusts; the first refusal is what the error reports. */
    private record AnyOfTrustManager(List<X509TrustManager> managers) implements X509TrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException first = null;
            for (X509TrustManager manager : managers) {
                try {
                    manager.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("pcg doctor only connects as a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream()
                    .flatMap(manager -> java.util.Arrays.stream(manager.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }

    /** Accepts any server: the caller compares the certificate with a pin, which is the stronger check. */
    private static final class RecordingTrustManager implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // The fingerprint comparison after the handshake decides.
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("pcg doctor only connects as a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
