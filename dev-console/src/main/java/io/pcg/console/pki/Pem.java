package io.pcg.console.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text in and out: certificates, and private keys as unencrypted PKCS#8 (what gRPC's TLS stack reads). */
public final class Pem {

    private Pem() {}

    public static String certificate(X509Certificate certificate) {
        return write(certificate);
    }

    public static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode private key", e);
        }
    }

    public static X509Certificate readCertificate(String pem, String what) {
        Object parsed = read(pem, what);
        if (!(parsed instanceof X509CertificateHolder holder)) {
            throw new IllegalStateException(what + " does not hold a PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalStateException(what + " holds an unusable certificate: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(String pem, String what) {
        Object parsed = read(pem, what);
        if (!(parsed instanceof PrivateKeyInfo info)) {
            throw new IllegalStateException(what + " does not hold a PKCS#8 private key");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new IllegalStateException(what + " holds an unusable private key", e);
        }
    }

    private static Object read(String pem, String what) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (parsed == null) {
                throw new IllegalStateException(what + " is empty or not PEM");
            }
            return parsed;
        } catch (IOException e) {
            throw new IllegalStateException(what + " is not valid PEM", e);
        }
    }

    private static String write(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PEM", e);
        }
        return text.toString();
    }
}
