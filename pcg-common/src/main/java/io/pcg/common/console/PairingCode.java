package io.pcg.common.console;

import io.pcg.common.secrets.Secret;
import java.util.Locale;
import java.util.regex.Pattern;

/** The console's PIN format: 8 characters, upper-case letters and digits. Surrounding white space is ignored. */
public final class PairingCode {

    public static final int LENGTH = 8;
    private static final Pattern FORMAT = Pattern.compile("[A-Z0-9]{" + LENGTH + "}");

    private PairingCode() {}

    /**
     * @return the normalised code, as a secret
     * @throws IllegalArgumentException describing the expected format; the code itself is never echoed
     */
    public static Secret parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("pairing code is empty: copy the PIN shown in the tenant portal's "
                    + "'Create a new gateway' dialogue (" + LENGTH + " upper-case letters and digits)");
        }
        if (!FORMAT.matcher(value).matches()) {
            String why = value.length() != LENGTH
                    ? "it has " + value.length() + " characters"
                    : value.toUpperCase(Locale.ROOT).equals(value)
                            ? "it contains characters other than A-Z and 0-9"
                            : "it contains lower-case letters";
            throw new IllegalArgumentException("pairing code has the wrong format (" + why + "): the console's PIN is "
                    + LENGTH + " upper-case letters and digits; copy it again from the tenant portal");
        }
        return Secret.of(value);
    }
}
