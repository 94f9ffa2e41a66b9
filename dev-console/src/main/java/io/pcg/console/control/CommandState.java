package io.pcg.console.control;

/** Progress of one command as the console sees it. */
public enum CommandState {
    /** Waiting for the gateway to be connected. */
    QUEUED,
    /** Written to the control stream; no ack yet. */
    SENT,
    /** The agent took it. */
    ACKED,
    /** The agent reported success. */
    SUCCEEDED,
    /** The agent reported failure; see the error. */
    FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
