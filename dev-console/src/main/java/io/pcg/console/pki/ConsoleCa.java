package io.pcg.console.pki;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.store.DataFiles;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The console's own certificate authority (EC P-256). It signs the gRPC server certificate and the client
 * certificates agents get from pairing. Created on first start in the data directory and reused afterwards:
 * agents keep trusting a restarted console only because the CA stays the same.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ConsoleCa {

    public static final String CA_FILE = "ca.pem";
    public static final String CA_KEY_FILE = "ca-key.pem";
    public static final String SERVER_CERT_FILE = "server.pem";
    public static final String SERVER_KEY_FILE = "server-key.pem";

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    public static final Duration DEFAULT_CLIENT_VALIDITY = Duration.ofDays(365);
    /** Renew the server certificate on start when it has less than this left. */
    static final Duration SERVER_RENEW_BEFORE = Duration.ofDays(30);
    /**
     * Certificates start a little in the past so an appliance whose clock lags slightly still accepts them; short-lived
     * client certificates (tests) by a sixth of their life at most, or the backdating would eat most of it.
     */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MIN_RSA_BITS = 2048;

    private final Path dataDir;
    private final Clock clock;
    private final Duration clientValidity;
    private final SecureRandom random = new SecureRandom();
    private final X509Certificate caCertificate;
    private final PrivateKey caKey;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverKey;

    @Inject
    public ConsoleCa(ConsoleConfig config, Clock clock) {
        this(config.dataDir(), config.tlsHostnames(), config.clientCertLifetime(), clock);
    }

    public ConsoleCa(Path dataDir, List<String> tlsHostnames, Clock clock) {
        this(dataDir, tlsHostnames, DEFAULT_CLIENT_VALIDITY, clock);
    }

    public ConsoleCa(Path dataDir, List<String> tlsHostnames, Duration clientValidity, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
        this.clientValidity = clientValidity;
        Path caFile = dataDir.resolve(CA_FILE);
        Path caKeyFile = dataDir.resolve(CA_KEY_FILE);
        if (Files.exists(caFile) != Files.exists(caKeyFile)) {
            throw new IllegalStateException("found only one of " + caFile + " and " + caKeyFile
                    + "; restore the missing file from a backup, or move both away to create a new CA"
                    + " (every paired gateway must then pair again)");
        }
        if (Files.exists(caFile)) {
            caCertificate = Pem.readCertificate(readText(caFile), caFile.toString());
            caKey = Pem.readPrivateKey(readText(caKeyFile), caKeyFile.toString());
        } else {
            KeyPair pair = newKeyPair();
            caKey = pair.getPrivate();
            caCertificate = createCaCertificate(pair);
            DataFiles.writePrivate(caKeyFile, Pem.privateKey(caKey).getBytes(StandardCharsets.UTF_8));
            DataFiles.write(caFile, Pem.certificate(caCertificate).getBytes(StandardCharsets.UTF_8));
        }
        Path serverFile = dataDir.resolve(SERVER_CERT_FILE);
        Path serverKeyFile = dataDir.resolve(SERVER_KEY_FILE);
        Optional<X509Certificate> reusable = Files.exists(serverFile) && Files.exists(serverKeyFile)
                ? Optional.of(Pem.readCertificate(readText(serverFile), serverFile.toString()))
                        .filter(cert -> stillFits(cert, tlsHostnames))
                : Optional.empty();
        if (reusable.isPresent()) {
            serverCertificate = reusable.get();
            serverKey = Pem.readPrivateKey(readText(serverKeyFile), serverKeyFile.toString());
        } else {
            KeyPair pair = newKeyPair();
            serverKey = pair.getPrivate();
            serverCertificate = createServerCertificate(pair.getPublic(), tlsHostnames);
            DataFiles.writePrivate(serverKeyFile, Pem.privateKey(serverKey).getBytes(StandardCharsets.UTF_8));
            DataFiles.write(serverFile, Pem.certificate(serverCertificate).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The file agents are pointed at ({@code pcg.agent.console-ca-file}). */
    public Path caFile() {
        return dataDir.resolve(CA_FILE);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public String caPem() {
        return Pem.certificate(caCertificate);
    }

    public String serverCertificatePem() {
        return Pem.certificate(serverCertificate);
    }

    /** The server's private key as PKCS#8 PEM, for the TLS stack only. */
    public String serverKeyPem() {
        return Pem.privateKey(serverKey);
    }

    /**
     * Checks a PKCS#10 request and signs a client certificate for it: subject CN = gateway id, client-auth only,
     * valid for {@code pcg.console.client-cert-lifetime} (a year by default). The requested subject and extensions are ignored; only the public key is taken.
     */
    public X509Certificate signClientCertificate(byte[] csrDer, String gatewayId) throws CsrRejectedException {
        JcaPKCS10CertificationRequest csr;
        PublicKey publicKey;
        try {
            csr = new JcaPKCS10CertificationRequest(csrDer);
            publicKey = csr.getPublicKey();
        } catch (IOException | RuntimeException | GeneralSecurityException e) {
            throw new CsrRejectedException("the CSR is not a DER-encoded PKCS#10 request", e);
        }
        requireStrongKey(publicKey);
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new CsrRejectedException("the CSR signature does not match its public key");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CsrRejectedException("the CSR signature cannot be checked: " + e.getMessage(), e);
        }
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                caCertificate,
                newSerial(),
                Date.from(now.minus(clientBackdate())),
                Date.from(now.plus(clientValidity)),
                commonName(gatewayId),
                publicKey);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build client certificate", e);
        }
        return sign(builder);
    }

    private Duration clientBackdate() {
        Duration sixth = clientValidity.dividedBy(6);
        return sixth.compareTo(BACKDATE) < 0 ? sixth : BACKDATE;
    }

    /**
     * The gateway id (subject CN) of a client certificate this CA issued and that is valid now, or empty for a
     * certificate from anyone else, an expired one, or one that is not for client authentication.
     */
    public Optional<String> gatewayIdOf(X509Certificate certificate) {
        try {
            certificate.verify(caCertificate.getPublicKey());
            certificate.checkValidity(Date.from(clock.instant()));
            List<String> usages = certificate.getExtendedKeyUsage();
            if (usages == null || !usages.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
                return Optional.empty();
            }
            return commonNameOf(certificate);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Serial number as lower-case hex, the form gateway records keep to tell current from superseded certs. */
    public static String serialOf(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    private static Optional<String> commonNameOf(X509Certificate certificate) throws GeneralSecurityException {
        X500Name subject = new JcaX509CertificateHolder(certificate).getSubject();
        return Arrays.stream(subject.getRDNs(BCStyle.CN))
                .map(rdn -> IETFUtils.valueToString(rdn.getFirst().getValue()))
                .findFirst();
    }

    private void requireStrongKey(PublicKey key) throws CsrRejectedException {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() < 256) {
                throw new CsrRejectedException("the CSR's EC key is smaller than 256 bits; use P-256 or larger");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new CsrRejectedException("the CSR's RSA key has "
                        + rsa.getModulus().bitLength() + " bits; use at least " + MIN_RSA_BITS);
            }
        } else {
            throw new CsrRejectedException(
                    "the CSR's key type " + key.getAlgorithm() + " is not supported; use EC or RSA");
        }
    }

    private boolean stillFits(X509Certificate certificate, List<String> hostnames) {
        try {
            certificate.verify(caCertificate.getPublicKey());
            Instant renewBy = clock.instant().plus(SERVER_RENEW_BEFORE);
            if (certificate.getNotAfter().toInstant().isBefore(renewBy)) {
                return false;
            }
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            Set<String> present = names == null
                    ? Set.of()
                    : names.stream().map(name -> String.valueOf(name.get(1))).collect(Collectors.toSet());
            return present.equals(new HashSet<>(hostnames));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private X509Certificate createCaCertificate(KeyPair pair) {
        Instant now = clock.instant();
        X500Name name = new X500Name("CN=PCG dev-console CA " + HexFormat.of().formatHex(randomBytes(4)) + ",O=PCG");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name,
                newSerial(),
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(CA_VALIDITY)),
                name,
                pair.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build CA certificate", e);
        }
        return sign(builder, pair.getPrivate());
    }

    private X509Certificate createServerCertificate(PublicKey publicKey, List<String> hostnames) {
        Instant now = clock.instant();
        GeneralName[] names = hostnames.stream()
                .map(host -> IPV4.matcher(host).matches() || host.contains(":")
                        ? new GeneralName(GeneralName.iPAddress, host)
                        : new GeneralName(GeneralName.dNSName, host))
                .toArray(GeneralName[]::new);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                caCertificate,
                newSerial(),
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(SERVER_VALIDITY)),
                commonName("pcg-dev-console"),
                publicKey);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build server certificate", e);
        }
        return sign(builder);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) {
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign certificate", e);
        }
    }

    private static X500Name commonName(String cn) {
        return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(cn))});
    }

    private BigInteger newSerial() {
        return new BigInteger(1, randomBytes(16));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
