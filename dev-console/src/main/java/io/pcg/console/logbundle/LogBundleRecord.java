package io.pcg.console.logbundle;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * A support bundle the console stored, as {@code GET /api/gateways/{id}/log-bundles} lists it.
 *
 * @param id        the console's id for it, {@code lb-<12 hex digits>}
 * @param gatewayId the gateway whose agent sent it
 * @param commandId the logs.collect command it answers
 * @param fileName  the name collect-logs.sh gave it, used for the download
 * @param sizeBytes its size
 * @param sha256    SHA-256 of its bytes, lower-case hex, checked against what the agent declared
 * @param storedAt  when the last byte was checked and stored
 */
@Serdeable
public record LogBundleRecord(
        String id,
        String gatewayId,
        String commandId,
        String fileName,
        long sizeBytes,
        String sha256,
        Instant storedAt) {}
