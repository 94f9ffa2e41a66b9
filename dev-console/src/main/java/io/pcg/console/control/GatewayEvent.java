package io.pcg.console.control;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * One line of a gateway's event history: either sent by the agent or noted by the console itself (pairing,
 * connects, disconnects). Never carries a secret.
 *
 * @param sequence      the console's number for it, 1, 2, ... per gateway, kept across restarts; pages of
 *                      {@code GET .../events?before=} are cut by it
 * @param time       when it happened (the agent's clock for agent events)
 * @param receivedAt when the console recorded it
 * @param source     "agent" or "console"
 * @param severity   Info, Warning or Error
 * @param reason     short CamelCase reason, e.g. "Registered"
 * @param message    sentence for humans
 * @param object     what it concerns, empty for the appliance itself
 * @param commandId  the command that caused it, if any
 * @param agentSequence the agent's number for it ({@code pcg.v1.Event.sequence}), if the agent sent one
 */
@Serdeable
public record GatewayEvent(
        long sequence,
        Instant time,
        Instant receivedAt,
        String source,
        String severity,
        String reason,
        String message,
        String object,
        @Nullable String commandId,
        @Nullable Long agentSequence) {

    public static final String FROM_AGENT = "agent";
    public static final String FROM_CONSOLE = "console";
}
