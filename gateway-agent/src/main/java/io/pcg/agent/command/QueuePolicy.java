package io.pcg.agent.command;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which command types wait during which gateway phase. Pure: {@link CommandQueue} asks it, and a table test checks it.
 *
 * @param holds for each phase (the gateway state's name, e.g. {@code UPGRADING}), the command type prefixes that
 *              wait while the gateway is in it, e.g. {@code cluster.}
 */
public record QueuePolicy(Map<String, List<String>> holds) {

    /** The product guide: new cluster requests are queued while the gateway is being upgraded. */
    public static final QueuePolicy DEFAULT = new QueuePolicy(Map.of("UPGRADING", List.of("cluster.")));

    public QueuePolicy {
        holds = Map.copyOf(holds);
    }

    /** Whether commands of this type ever wait, in some phase. */
    public boolean queueable(String type) {
        return holds.values().stream().flatMap(List::stream).anyMatch(type::startsWith);
    }

    /**
     * Why a command of {@code type} must wait while the gateway is in {@code phase}; empty when it may run.
     *
     * @param phase the gateway's phase, or null while the agent has not read it yet (after a start): then every
     *              queueable type waits, since the gateway may be in the middle of an upgrade
     */
    public Optional<String> reason(String phase, String type) {
        if (!queueable(type)) {
            return Optional.empty();
        }
        if (phase == null) {
            return Optional.of("the agent is starting and has not read the gateway's state yet; " + type
                    + " runs once it has");
        }
        return holds.getOrDefault(phase, List.of()).stream().filter(type::startsWith).findFirst()
                .map(prefix -> "the gateway is " + phase.toLowerCase(java.util.Locale.ROOT) + "; " + prefix
                        + "* requests run after that, in the order they arrived");
    }
}
