package io.pcg.console;

/** A request the console refuses; {@link #kind()} lets the HTTP API pick the status without the domain knowing HTTP. */
public class ConsoleException extends RuntimeException {

    /** What sort of refusal it is. */
    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        INVALID
    }

    private final Kind kind;

    public ConsoleException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
