package io.pcg.agent.command;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which command types wait during which gateway phase. Pure: {@link CommandQueue} asks it, and a table test checks it.
 *
 * @param holds for each phase (the gateway state's name, e.g. {@code UPGRADING}), the command types that wait while
 *              the gateway is in it: a type, e.g. {@code cluster.create}, or a family ending in a dot, e.g.
 *              {@code cluster.}
 */
public record QueuePolicy(Map<String, List<String>> holds) {

    /**
     * The product guide: tenant-cluster requests are queued while the gateway is being upgraded. Only the ones that
     * change a cluster: {@code cluster.list} is a view and answers at once.
     */
    public static final QueuePolicy DEFAULT = new QueuePolicy(
            Map.of("UPGRADING", List.of("cluster.create", "cluster.scale", "cluster.delete", "cluster.forceDelete")));

    public QueuePolicy {
        holds = Map.copyOf(holds);
    }

    /** Whether commands of this type ever wait, in some phase. */
    public boolean queueable(String type) {
        return holds.values().stream().flatMap(List::stream).anyMatch(held -> matches(held, type));
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
            return Optional.of(
                    "the agent is starting and has not read the gateway's state yet; " + type + " runs once it has");
        }
        return holds.getOrDefault(phase, List.of()).stream()
                .filter(held -> matches(held, type))
                .findFirst()
                .map(held -> "the gateway is " + phase.toLowerCase(java.util.Locale.ROOT) + "; "
                        + (held.endsWith(".") ? held + "*" : held)
                        + " requests run after that, in the order they arrived");
    }

    private static boolean matches(String held, String type) {
        return held.endsWith(".") ? type.startsWith(held) : type.equals(held);
    }
}
