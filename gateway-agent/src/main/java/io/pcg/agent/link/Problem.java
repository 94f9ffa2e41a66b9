package io.pcg.agent.link;

/**
 * One occurrence of a {@link ConnectionProblem} with the specifics (host, port, HTTP status, console's reason).
 * The detail is composed by the agent and never holds a PIN, password or key.
 */
public record Problem(ConnectionProblem kind, String detail) {

    public String message() {
        return kind.summary() + (detail.isEmpty() ? "" : ": " + detail);
    }

    @Override
    public String toString() {
        return kind + " - " + message() + ". Hint: " + kind.hint();
    }
}
