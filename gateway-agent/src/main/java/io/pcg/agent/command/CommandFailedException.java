package io.pcg.agent.command;

import io.pcg.common.errors.OperatorException;

/**
 * A command failure the console shows to an operator: a stable code, what went wrong and how to fix it.
 * The message and hint must never contain a secret.
 */
public class CommandFailedException extends Exception {

    private final String code;
    private final String hint;

    public CommandFailedException(String code, String message, String hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }

    public CommandFailedException(String code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint;
    }

    /** The operator error as the console shows it: same code, message and hint. */
    public static CommandFailedException of(OperatorException e) {
        return new CommandFailedException(e.code(), e.getMessage(), e.hint(), e);
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }
}
