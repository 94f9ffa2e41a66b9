package io.pcg.common.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A value that must never reach a log line, an event, a status or an exception text (PIN, passwords, tokens).
 * {@link #toString()} is redacted, so string concatenation and logging by accident are harmless;
 * code that really needs the value calls {@link #reveal()}, which is easy to find in review.
 */
public final class Secret {

    public static final String REDACTED = "<redacted>";
    private static final Secret EMPTY = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a value; {@code null} becomes the empty secret. The value is also registered with {@link KnownSecrets},
     * so the agent's log masks it should it ever reach a log line some other way.
     */
    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            return EMPTY;
        }
        KnownSecrets.register(value);
        return new Secret(value);
    }

    public static Secret empty() {
        return EMPTY;
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "" : REDACTED;
    }

    /** Constant-time comparison, so a wrong guess takes as long as a right one. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Objects.hash(value.length());
    }
}
