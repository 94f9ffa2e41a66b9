package io.pcg.agent.command;

/**
 * Serves one command type arriving on the control stream. Implementations are Micronaut singletons; the
 * dispatcher finds them by {@link #type()}, runs each command id at most once and sends the ack and result.
 * A handler never logs the payload (it may carry a vCenter password).
 */
public interface CommandHandler {

    /** The {@code Command.type} served, e.g. {@code vsphere.validate} or {@code ipam.pool.create}. */
    String type();

    /**
     * Runs the command.
     *
     * @return the result as a JSON object text ({@code "{}"} when there is nothing to return)
     * @throws CommandFailedException for failures the operator can act on (code, message, hint reach the console)
     */
    String handle(AgentCommand command) throws CommandFailedException;

    /**
     * Whether {@link #handle} may wait (on vCenter, Kubernetes, disk, locks). Blocking handlers run on the
     * dispatcher's pool; a handler that only computes in memory and returns within microseconds may answer
     * {@code false} to run on the thread that received the command, saving two thread hand-offs and the separate ack.
     * Never answer {@code false} for anything that does I/O: it would stall the control stream for every command.
     */
    default boolean blocking() {
        return true;
    }
}
