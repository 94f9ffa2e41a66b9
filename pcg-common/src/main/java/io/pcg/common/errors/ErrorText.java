package io.pcg.common.errors;

import java.util.Optional;

/**
 * Operator input quoted in an error message. A value may be huge, or carry line breaks and other control
 * characters; quoted as it is, it would forge log lines or HTTP headers (CRLF injection) and bury the message.
 */
public final class ErrorText {

    /** Characters of a value shown before it is cut. */
    public static final int MAX_QUOTED = 120;
    /** Longest message an operator is expected to read. */
    public static final int MAX_MESSAGE = 4096;

    private ErrorText() {}

    /**
     * The value in single quotes, with control and line-separator characters written as {@code \\uXXXX} (line feed
     * as {@code \\n}, carriage return as {@code \\r}), cut after {@value #MAX_QUOTED} characters with its length.
     */
    public static String quote(String value) {
        if (value == null) {
            return "(nothing)";
        }
        StringBuilder quoted = new StringBuilder("'");
        int shown = Math.min(value.length(), MAX_QUOTED);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        quoted.append('\'');
        if (value.length() > shown) {
            quoted.append("... (").append(value.length()).append(" characters)");
        }
        return quoted.toString();
    }

    /**
     * What makes {@code message} unfit to show an operator or write to a log: empty, longer than
     * {@value #MAX_MESSAGE}, or holding a control or line-separator character. Empty when it is fit.
     */
    public static Optional<String> problem(String message) {
        if (message == null || message.isBlank()) {
            return Optional.of("the message is empty");
        }
        if (message.length() > MAX_MESSAGE) {
            return Optional.of("the message has " + message.length() + " characters, more than " + MAX_MESSAGE);
        }
        for (int i = 0; i < message.length(); i++) {
            if (unsafe(message.charAt(i)) || message.charAt(i) == '\t') {
                return Optional.of("the message holds control character U+"
                        + String.format("%04X", (int) message.charAt(i)) + " at " + i);
            }
        }
        return Optional.empty();
    }

    /** Controls (C0, DEL, C1), line and paragraph separators, and lone surrogates. */
    private static boolean unsafe(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c);
    }
}
