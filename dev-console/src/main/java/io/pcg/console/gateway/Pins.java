package io.pcg.console.gateway;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.store.DataFiles;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues PINs and checks them without ever storing one. A PIN is {@value #LENGTH} characters from A-Z and 0-9
 * drawn from {@link SecureRandom}. Records keep an HMAC-SHA256 of it under a key that lives only in the data
 * directory (mode 0600), so a leaked records file does not let anyone brute-force the ~2.8e12 possible PINs offline.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class Pins {

    public static final int LENGTH = 8;
    public static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static final String KEY_FILE = "pin-hmac.key";
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int KEY_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    @Inject
    public Pins(ConsoleConfig config) {
        this(config.dataDir());
    }

    public Pins(Path dataDir) {
        this.key = new SecretKeySpec(loadOrCreateKey(dataDir.resolve(KEY_FILE)), MAC_ALGORITHM);
    }

    /** A new random PIN. Show it once to the admin; keep only {@link #hash(String)}. */
    public String generate() {
        char[] pin = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            pin[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(pin);
    }

    public String hash(String pin) {
        return HexFormat.of().formatHex(mac(normalize(pin)));
    }

    /** Compares in constant time so response timing says nothing about how close a guess was. */
    public boolean matches(String candidate, String expectedHash) {
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(expectedHash);
        } catch (IllegalArgumentException corrupt) {
            return false;
        }
        return MessageDigest.isEqual(mac(normalize(candidate)), expected);
    }

    /** Operators retype PINs by hand: case and surrounding blanks should not make a correct PIN wrong. */
    private static String normalize(String pin) {
        return pin == null ? "" : pin.strip().toUpperCase(Locale.ROOT);
    }

    private byte[] mac(String value) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private byte[] loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] existing = HexFormat.of().parseHex(Files.readString(file).strip());
                if (existing.length < KEY_BYTES) {
                    throw new IllegalStateException(
                            file + " is too short; delete it and issue new PINs for pending gateways");
                }
                return existing;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is corrupt; delete it and issue new PINs for pending gateways", e);
        }
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        DataFiles.writePrivate(file, HexFormat.of().formatHex(fresh).getBytes(StandardCharsets.UTF_8));
        return fresh;
    }
}
