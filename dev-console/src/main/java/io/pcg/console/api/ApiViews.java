package io.pcg.console.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.pcg.console.gateway.ClusterHealthRecord;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayCapacity;
import java.time.Instant;
import java.util.List;

/** JSON bodies of the admin HTTP API. */
final class ApiViews {

    private ApiViews() {}

    @Serdeable
    record CreateGatewayRequest(
            @Nullable String name, @Nullable Long pinTtlSeconds) {}

    @Serdeable
    record IssuePinRequest(@Nullable Long pinTtlSeconds) {}

    @Serdeable
    record SubmitCommandRequest(
            @Nullable String type, @Nullable JsonNode payload) {}

    /** The only response that ever carries a PIN. */
    @Serdeable
    record IssuedPinView(String id, String name, String state, String pin, Instant pinExpiresAt) {
        @Override
        public String toString() {
            return "IssuedPinView[id=" + id + ", pin=<redacted>]";
        }
    }

    @Serdeable
    record GatewayView(
            String id,
            String name,
            String state,
            boolean connected,
            boolean locked,
            int failedAttempts,
            boolean pinUsed,
            Instant pinExpiresAt,
            Instant createdAt,
            @Nullable Instant pairedAt,
            @Nullable Instant certificateExpiresAt,
            @Nullable Instant revokedAt,
            @Nullable Instant lastHeartbeat,
            @Nullable String hostname,
            @Nullable String version,
            List<String> ipAddresses,
            @Nullable GatewayCapacity capacity,
            @Nullable ClusterStatusRecord cluster,
            boolean deleting,
            @Nullable String deleteCommandId,
            @Nullable ClusterHealthRecord health) {}

    @Serdeable
    record CommandAccepted(String commandId, String status) {}

    @Serdeable
    record CommandErrorView(String code, String message, String hint) {}

    @Serdeable
    record CommandView(
            String id,
            String gatewayId,
            String type,
            String status,
            Instant submittedAt,
            @Nullable Instant sentAt,
            @Nullable Instant ackedAt,
            @Nullable Instant finishedAt,
            @Nullable CommandErrorView error,
            @Nullable JsonNode result,
            @Nullable String queuedReason) {}

    @Serdeable
    record ErrorView(String message) {}
}
