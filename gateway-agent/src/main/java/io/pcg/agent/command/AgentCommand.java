package io.pcg.agent.command;

/**
 * A command from the console as handlers see it.
 *
 * @param id          console-chosen id; commands are idempotent by it
 * @param type        dotted type that selected the handler, e.g. {@code vsphere.validate}
 * @param payloadJson arguments as a JSON object ({@code "{}"} when none); may hold secrets, never log it
 */
public record AgentCommand(String id, String type, String payloadJson) {

    @Override
    public String toString() {
        return "AgentCommand[id=" + id + ", type=" + type + "]";
    }
}
