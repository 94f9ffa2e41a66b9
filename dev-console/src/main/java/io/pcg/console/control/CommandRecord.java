package io.pcg.console.control;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * A snapshot of one command. The payload is deliberately absent: it may hold secrets and nobody reads it back.
 *
 * @param id          console-chosen id, unique; the agent dedupes by it
 * @param gatewayId   gateway it is for
 * @param type        handler type, e.g. {@code vsphere.validate}
 * @param status      where it is
 * @param submittedAt when it was submitted
 * @param sentAt      last time it was written to a control stream
 * @param ackedAt     when the agent acknowledged it
 * @param finishedAt  when its result arrived
 * @param error       set when it failed
 * @param resultJson  the agent's result object as JSON text, when it succeeded (or failed with details)
 * @param queuedReason why the agent holds it, while {@link CommandState#QUEUED_BY_AGENT} (kept afterwards)
 */
@Serdeable
public record CommandRecord(
        String id,
        String gatewayId,
        String type,
        CommandState status,
        Instant submittedAt,
        @Nullable Instant sentAt,
        @Nullable Instant ackedAt,
        @Nullable Instant finishedAt,
        @Nullable Failure error,
        @Nullable String resultJson,
        @Nullable String queuedReason) {

    /** Why a command failed, as the agent's handler put it. */
    @Serdeable
    public record Failure(String code, String message, String hint) {}
}
