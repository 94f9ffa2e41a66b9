package io.pcg.installer.validation;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * An OpenSSH public key line ({@code type base64 [comment]}) of a type sshd accepts by default: ssh-ed25519,
 * ssh-rsa, ecdsa-sha2-nistp256/384/521. The base64 blob is decoded and checked field by field (RFC 4253 and
 * RFC 5656 wire format), so a truncated paste is caught here and not at 2 a.m. when SSH login fails.
 * Error messages never repeat what was pasted: operators sometimes paste the private key by mistake.
 */
public record SshPublicKey(String type, byte[] blob, String comment) {

    private static final int MIN_RSA_BITS = 1024;
    /** Uncompressed EC point length (0x04 || X || Y) per curve. */
    private static final Map<String, Integer> ECDSA_POINT_LENGTH =
            Map.of("nistp256", 65, "nistp384", 97, "nistp521", 133);

    private static final String EXPECTED = "paste the one-line public key (the contents of the .pub file, e.g."
            + " ~/.ssh/id_ed25519.pub) that starts with ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256";

    public static SshPublicKey parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException("this is a private key, not a public key: " + EXPECTED
                    + ". The private key is now visible in the VM's settings, so replace that key pair");
        }
        if (value.startsWith("---- BEGIN SSH2 PUBLIC KEY")) {
            throw new IllegalArgumentException("this is an RFC 4716 (PuTTY/SSH2) public key: convert it with"
                    + " 'ssh-keygen -i -f key.pub', then " + EXPECTED);
        }
        String[] parts = value.split("\\s+", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException(
                    "not an OpenSSH public key (expected 'type base64-data [comment]'): " + EXPECTED);
        }
        String type = parts[0];
        if (!type.equals("ssh-ed25519")
                && !type.equals("ssh-rsa")
                && !(type.startsWith("ecdsa-sha2-")
                        && ECDSA_POINT_LENGTH.containsKey(type.substring("ecdsa-sha2-".length())))) {
            throw new IllegalArgumentException("key type '" + printable(type) + "' is not supported: " + EXPECTED);
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " key data is not valid base64 (was it cut off or broken"
                    + " across lines when pasted?): " + EXPECTED);
        }
        checkBlob(type, ByteBuffer.wrap(blob));
        return new SshPublicKey(type, blob, parts.length > 2 ? parts[2].strip() : "");
    }

    private static void checkBlob(String type, ByteBuffer blob) {
        String damaged = "the " + type + " key data is damaged (truncated or altered when copied): " + EXPECTED;
        try {
            String innerType = new String(readString(blob), StandardCharsets.US_ASCII);
            if (!innerType.equals(type)) {
                throw new IllegalArgumentException("the key line says " + type + " but its data holds a '"
                        + printable(innerType) + "' key: " + EXPECTED);
            }
            switch (type) {
                case "ssh-ed25519" -> {
                    if (readString(blob).length != 32) {
                        throw new IllegalArgumentException(damaged);
                    }
                }
                case "ssh-rsa" -> {
                    readString(blob);
                    int bits = new BigInteger(1, readString(blob)).bitLength();
                    if (bits < MIN_RSA_BITS) {
                        throw new IllegalArgumentException("the ssh-rsa key has " + bits
                                + " bits; OpenSSH refuses RSA keys" + " shorter than " + MIN_RSA_BITS
                                + " bits: create one with 'ssh-keygen -t ed25519' and paste its .pub file");
                    }
                }
                default -> {
                    String curve = type.substring("ecdsa-sha2-".length());
                    int pointLength = ECDSA_POINT_LENGTH.get(curve);
                    String innerCurve = new String(readString(blob), StandardCharsets.US_ASCII);
                    byte[] point = readString(blob);
                    if (!innerCurve.equals(curve) || point.length != pointLength || point[0] != 0x04) {
                        throw new IllegalArgumentException(damaged);
                    }
                }
            }
            if (blob.hasRemaining()) {
                throw new IllegalArgumentException(damaged);
            }
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException(damaged);
        }
    }

    private static byte[] readString(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] value = new byte[length];
        buffer.get(value);
        return value;
    }

    /** Shows at most a short, printable prefix of operator input, so a pasted secret cannot appear whole. */
    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 24 ? cleaned.substring(0, 24) + "..." : cleaned;
    }

    /** The line for authorized_keys. */
    public String authorizedKeysLine() {
        return type + " " + Base64.getEncoder().encodeToString(blob) + (comment.isEmpty() ? "" : " " + comment);
    }

    /** {@code SHA256:...} as ssh-keygen -l prints it, for the banner and the log. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Same key, whatever the comment. */
    public boolean sameKey(SshPublicKey other) {
        return type.equals(other.type) && Arrays.equals(blob, other.blob);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshPublicKey key && sameKey(key) && comment.equals(key.comment);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return type + " " + fingerprint() + (comment.isEmpty() ? "" : " " + comment);
    }
}
