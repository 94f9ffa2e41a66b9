package io.pcg.installer.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.installer.OvfEnvFixture;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class SshPublicKeyTest {

    public static final String RSA_2048 =
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC+Ua24hGq6vGIFH68kZOBFg86r0PS4brhr4dNCzOaYIEYiafm8tXTx25TzdZXzrbgTShjm/CWbDubsdJfA/Ni0o0CrV+GbC0kw+S7iqpztI0L67XrPrUguAk+5BWA2g5QT0gsfy4pxx1Hc9DPny5m+rOJZnScAVzmuv/V8yR80F6Rsz8Y5g37TTJQo2Uq9Shde9XD06OTjP+0L70tAuYzFHNNy2h4igLGQf1d4MSlApLvT7vks1sgnG0MYdqqic0t7QmIUXFbOO+bSDjpASdsv7uol44y/ls6Bg783kGhpxhxrSeZGMNCPU6SeXBZv3Qs/9J40V+/J5hGqinZUVI57 ops@example";
    static final String ECDSA_256 =
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLrBTYugDQEboeBQo11acWtm+JgMRcfvxPDKOezY4GxzxS+3n1PL2q6D1bKec7mvLIsmFsuqiIKz5HRslHDr7n8= ops@example";
    static final String ECDSA_384 =
            "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBK00JcjaWXa1YfXOIR0bVRo0P8EFJRFDMY7dU7Vx3x7O2Z60fYA2exgZXKFrqY6Z9FcxnFZIDdUo+1UnLPzDQtRr1Cb6/lADZblThTdXKnH1p4jPIc9qiMEct4Ry2bRv3w== ops@example";
    static final String ECDSA_521 =
            "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAHznoJLwVr42Bjwabuz+fSQ3AhS6mfuvkgqzkH71pZFT9YrwKTrYri/Pc0obbkug1X09iDKfpjNYP42sfCMafukGgCvUw0HCnlXE9cQofjSjxuEYEjtyOZMobVn8xNqZhUYNCCGZT56i+NzPN8cLEx/ZbN+t+xh/JgQXURl655Hq9UzbA== ops@example";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ed25519|SHA256:guhFcE7XkpEP4xTDk0VorKdwyr1VSmXe08iMKWvYXQ4",
                "rsa|SHA256:wQOD6eKq/+CK7EpMzO8aDPiXt2LuFP7WKzeRuAgNJh4",
                "p256|SHA256:uBVf1v6T13aigHmULTZEXTHDCIbi8Ffo547kKuqmCsA",
                "p384|SHA256:/YpOuY3GO8UWF+vCaE+BrHBz07r2TI7od9Gw0AZ6EJI",
                "p521|SHA256:jQR+YNvkOy2XGhgCv+v34fEPMYjkSwEoxDjhG1YQ9jY",
            })
    void acceptsEveryKeyTypeSshdAcceptsWithTheFingerprintSshKeygenPrints(String name, String fingerprint) {
        String line = switch (name) {
            case "ed25519" -> OvfEnvFixture.ED25519;
            case "rsa" -> RSA_2048;
            case "p256" -> ECDSA_256;
            case "p384" -> ECDSA_384;
            default -> ECDSA_521;
        };

        SshPublicKey key = SshPublicKey.parse("  " + line + "\n");

        assertThat(key.fingerprint()).isEqualTo(fingerprint);
        assertThat(key.comment()).isEqualTo("ops@example");
        assertThat(key.authorizedKeysLine()).isEqualTo(line);
    }

    @Test
    void aKeyWithoutCommentIsFine() {
        String withoutComment = OvfEnvFixture.ED25519.substring(0, OvfEnvFixture.ED25519.lastIndexOf(' '));

        assertThat(SshPublicKey.parse(withoutComment).authorizedKeysLine()).isEqualTo(withoutComment);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|not an OpenSSH public key",
                "ssh-ed25519|not an OpenSSH public key",
                "ssh-dss AAAAB3NzaC1kc3M=|key type 'ssh-dss' is not supported",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKCLnA/48jNjiH33|damaged",
                "ssh-ed25519 not*base64|not valid base64",
                "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKCLnA/48jNjiH33YNtFusZt3CwLoyrD7zSZ8nGrdA90|says ssh-rsa but its data holds a 'ssh-ed25519' key",
                "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBK00JcjaWXa1YfXOIR0bVRo0P8EFJRFDMY7dU7Vx3x7O2Z60fYA2exgZXKFrqY6Z9FcxnFZIDdUo+1UnLPzDQtRr1Cb6/lADZblThTdXKnH1p4jPIc9qiMEct4Ry2bRv3w==|holds a 'ecdsa-sha2-nistp384' key",
                "ecdsa-sha2-nistp999 AAAA|not supported",
                "---- BEGIN SSH2 PUBLIC KEY ---- AAAA|ssh-keygen -i",
            })
    void refusesWhatSshdWouldNotAcceptSayingHowToFixIt(String text, String expected) {
        assertThatThrownBy(() -> SshPublicKey.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining("ssh-ed25519");
    }

    @Test
    void refusesAPastedPrivateKeyWithoutRepeatingIt() {
        String privateKey =
                "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW -----END OPENSSH PRIVATE KEY-----";

        assertThatThrownBy(() -> SshPublicKey.parse(privateKey))
                .hasMessageContaining("private key, not a public key")
                .hasMessageContaining("replace that key pair")
                .message()
                .doesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ");
    }

    @Test
    void refusesRsaKeysOpenSshWouldRefuse() throws IOException {
        String weak = "ssh-rsa "
                + Base64.getEncoder()
                        .encodeToString(rsaBlob(BigInteger.ONE.shiftLeft(767).setBit(0)));

        assertThatThrownBy(() -> SshPublicKey.parse(weak)).hasMessageContaining("has 768 bits");
    }

    @Test
    void refusesTrailingGarbageInsideTheBlob() throws IOException {
        byte[] blob = rsaBlob(BigInteger.ONE.shiftLeft(2047).setBit(0));
        byte[] padded = java.util.Arrays.copyOf(blob, blob.length + 3);

        assertThatThrownBy(() ->
                        SshPublicKey.parse("ssh-rsa " + Base64.getEncoder().encodeToString(padded)))
                .hasMessageContaining("damaged");
    }

    private static byte[] rsaBlob(BigInteger modulus) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] field : new byte[][] {
            "ssh-rsa".getBytes(StandardCharsets.US_ASCII),
            BigInteger.valueOf(65537).toByteArray(),
            modulus.toByteArray()
        }) {
            out.writeInt(field.length);
            out.write(field);
        }
        return bytes.toByteArray();
    }
}
