package io.pcg.common.errors;

import java.util.regex.Pattern;

/**
 * A failure the operator can act on: a stable code, what went wrong and what to do about it.
 *
 * <p>The code convention: {@code AREA_WHAT} in upper snake case, e.g. {@code INSTALLER_APPLY_FAILED} or
 * {@code OVF_ENVIRONMENT_INVALID}. The area names the program part the failure comes from, the rest names the
 * failure, so support can search for the code and it never changes with the wording of the message.
 * The message says what is wrong, the hint what to do next; neither may contain a secret (PIN, password, key).
 */
public class OperatorException extends Exception {

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");

    private final String code;
    private final String hint;

    /**
     * @throws IllegalArgumentException when {@code code} does not follow the convention above
     */
    public OperatorException(String code, String message, String hint) {
        this(code, message, hint, null);
    }

    public OperatorException(String code, String message, String hint, Throwable cause) {
        super(message, cause);
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException(
                    "operator error code '" + code + "' is not AREA_WHAT in upper snake case");
        }
        this.code = code;
        this.hint = hint == null ? "" : hint;
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }
}
