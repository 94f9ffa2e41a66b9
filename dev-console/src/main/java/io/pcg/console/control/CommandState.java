package io.pcg.console.control;

/** Progress of one command as the console sees it. */
public enum CommandState {
    /** Waiting for the gateway to be connected. */
    QUEUED,
    /** Written to the control stream; no ack yet. */
    SENT,
    /**
     * The agent took it but holds it until the gateway can run it (e.g. a tenant-cluster request during a gateway
     * upgrade); it runs there in arrival order, across agent restarts, and moves on to {@link #ACKED} when it starts.
     */
    QUEUED_BY_AGENT,
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
