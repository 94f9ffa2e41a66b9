package io.pcg.agent.identity;

import io.pcg.common.secrets.Secret;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The appliance's key pair (EC P-256, generated here with Bouncy Castle) and the PKCS#10 request the console signs.
 * The private key leaves this class only as a {@link Secret} PEM for the identity store.
 */
public final class KeyMaterial {

    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE = "SHA256withECDSA";

    private final KeyPair keyPair;
    private final byte[] csrDer;

    private KeyMaterial(KeyPair keyPair, byte[] csrDer) {
        this.keyPair = keyPair;
        this.csrDer = csrDer;
    }

    /** A fresh key pair and a CSR with the installer name as CN. */
    public static KeyMaterial generate(String gatewayName) {
        Provider bouncyCastle = new BouncyCastleProvider();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", bouncyCastle);
            generator.initialize(new ECGenParameterSpec(CURVE));
            KeyPair keyPair = generator.generateKeyPair();
            byte[] csr = new JcaPKCS10CertificationRequestBuilder(
                            new X500NameBuilder(BCStyle.INSTANCE)
                                    .addRDN(BCStyle.CN, gatewayName)
                                    .build(),
                            keyPair.getPublic())
                    .build(new JcaContentSignerBuilder(SIGNATURE)
                            .setProvider(bouncyCastle)
                            .build(keyPair.getPrivate()))
                    .getEncoded();
            return new KeyMaterial(keyPair, csr);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(
                    "cannot generate an EC P-256 key pair: " + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] csrDer() {
        return csrDer.clone();
    }

    /** The private key as PKCS#8 PEM ("PRIVATE KEY"), which TLS stacks load directly. */
    public Secret privateKeyPem() {
        return Secret.of(pem("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "KeyMaterial[EC P-256]";
    }
}
