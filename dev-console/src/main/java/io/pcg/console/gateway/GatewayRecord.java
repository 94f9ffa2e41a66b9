package io.pcg.console.gateway;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * One gateway as the console knows it. Immutable: every change goes through {@link GatewayStore#update} with a
 * copy. The PIN itself is never kept, only its keyed hash.
 *
 * @param id                 stable id, also the CN of the gateway's client certificate
 * @param name               unique name; the agent pairs by it (its Installer Name)
 * @param state              Pending, Paired, Online or Offline
 * @param locked             too many wrong PINs; pairing refused until a new PIN is issued
 * @param createdAt          when the record was created
 * @param pinHash            keyed hash of the current PIN (see {@link Pins})
 * @param pinExpiresAt       end of the current PIN's validity
 * @param pinUsed            the current PIN already paired an agent
 * @param failedAttempts     wrong PINs since the current PIN was issued
 * @param pairedAt           last successful pairing
 * @param certificateSerial  serial (hex) of the gateway's latest client certificate (pairing or renewal)
 * @param previousCertificateSerial serial of the certificate the latest renewal was requested with: still accepted
 *                           until it expires, so the agent can switch to the new one at its own pace; null after a pairing
 * @param certificateExpiresAt end of the latest client certificate's validity
 * @param revokedAt          when an admin revoked the gateway; its certificates are refused until it pairs again
 * @param lastHeartbeat      last Register or Heartbeat received
 * @param hostname           host name the agent reported
 * @param version            agent version the agent reported
 * @param ipAddresses        appliance addresses the agent reported
 * @param capacity           appliance capacity the agent reported
 * @param cluster            the gateway cluster's status as the agent last reported it
 * @param deleteCommandId    the {@code gateway.delete} command under way: the gateway is being deleted and is
 *                           forgotten once its agent reports {@code GatewayDeleted}; null otherwise
 * @param health             the managed cluster's health as the agent last reported it; null before the first report
 */
@Serdeable
public record GatewayRecord(
        String id,
        String name,
        GatewayState state,
        boolean locked,
        Instant createdAt,
        String pinHash,
        Instant pinExpiresAt,
        boolean pinUsed,
        int failedAttempts,
        @Nullable Instant pairedAt,
        @Nullable String certificateSerial,
        @Nullable String previousCertificateSerial,
        @Nullable Instant certificateExpiresAt,
        @Nullable Instant revokedAt,
        @Nullable Instant lastHeartbeat,
        @Nullable String hostname,
        @Nullable String version,
        List<String> ipAddresses,
        @Nullable GatewayCapacity capacity,
        @Nullable ClusterStatusRecord cluster,
        @Nullable String deleteCommandId,
        @Nullable ClusterHealthRecord health) {

    public GatewayRecord {
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    }

    static GatewayRecord created(String id, String name, String pinHash, Instant now, Instant pinExpiresAt) {
        return new GatewayRecord(
                id,
                name,
                GatewayState.PENDING,
                false,
                now,
                pinHash,
                pinExpiresAt,
                false,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                null,
                null,
                null,
                null);
    }

    /** A fresh PIN also forgives earlier wrong guesses and lifts a lockout. */
    public GatewayRecord withNewPin(String newPinHash, Instant newPinExpiresAt) {
        return new GatewayRecord(
                id,
                name,
                state,
                false,
                createdAt,
                newPinHash,
                newPinExpiresAt,
                false,
                0,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /** Counts a wrong PIN; reaching {@code maxFailures} locks the record. */
    public GatewayRecord withFailedAttempt(int maxFailures) {
        int failures = failedAttempts + 1;
        return new GatewayRecord(
                id,
                name,
                state,
                failures >= maxFailures,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failures,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /**
     * Uses up the PIN and records the certificate that is the gateway's identity from now on; every earlier one is
     * refused from now on, and a revocation is lifted (the admin issued the PIN).
     */
    public GatewayRecord paired(String newCertificateSerial, Instant newCertificateExpiresAt, Instant now) {
        return new GatewayRecord(
                id,
                name,
                GatewayState.PAIRED,
                false,
                createdAt,
                pinHash,
                pinExpiresAt,
                true,
                failedAttempts,
                now,
                newCertificateSerial,
                null,
                newCertificateExpiresAt,
                null,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /** A renewal issued a new certificate; the one it was requested with stays valid until it expires. */
    public GatewayRecord renewed(
            String requestedWithSerial, String newCertificateSerial, Instant newCertificateExpiresAt) {
        return new GatewayRecord(
                id,
                name,
                state,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                newCertificateSerial,
                requestedWithSerial,
                newCertificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /** Refuses the gateway's certificates from now on; only a new PIN and pairing bring it back. */
    public GatewayRecord revoked(Instant now) {
        return new GatewayRecord(
                id,
                name,
                GatewayState.REVOKED,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                now,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /** The agent was sent {@code gateway.delete} ({@code commandId}); null when the agent refused it. */
    public GatewayRecord withDeleteCommand(@Nullable String commandId) {
        return new GatewayRecord(
                id,
                name,
                state,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                commandId,
                health);
    }

    /** The agent reported its cluster's health; the previous report is replaced. */
    public GatewayRecord withHealth(ClusterHealthRecord newHealth) {
        return new GatewayRecord(
                id,
                name,
                state,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                newHealth);
    }

    /** Whether a certificate with this serial (hex) is one the gateway may use now (its validity checked apart). */
    public boolean accepts(String serial) {
        return revokedAt == null && (serial.equals(certificateSerial) || serial.equals(previousCertificateSerial));
    }

    /** The agent registered on a control stream with these facts. */
    public GatewayRecord registered(
            String newHostname,
            String newVersion,
            List<String> newIpAddresses,
            GatewayCapacity newCapacity,
            Instant now) {
        return new GatewayRecord(
                id,
                name,
                GatewayState.ONLINE,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                now,
                newHostname,
                newVersion,
                newIpAddresses,
                newCapacity,
                cluster,
                deleteCommandId,
                health);
    }

    public GatewayRecord heartbeat(Instant now) {
        return new GatewayRecord(
                id,
                name,
                state,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                now,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    public GatewayRecord withState(GatewayState newState) {
        return new GatewayRecord(
                id,
                name,
                newState,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                cluster,
                deleteCommandId,
                health);
    }

    /** The agent reported its cluster's status; the previous one is replaced. */
    public GatewayRecord withCluster(ClusterStatusRecord newCluster) {
        return new GatewayRecord(
                id,
                name,
                state,
                locked,
                createdAt,
                pinHash,
                pinExpiresAt,
                pinUsed,
                failedAttempts,
                pairedAt,
                certificateSerial,
                previousCertificateSerial,
                certificateExpiresAt,
                revokedAt,
                lastHeartbeat,
                hostname,
                version,
                ipAddresses,
                capacity,
                newCluster,
                deleteCommandId,
                health);
    }
}
