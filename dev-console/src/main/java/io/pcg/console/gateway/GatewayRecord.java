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
 * @param certificateSerial  serial (hex) of the client certificate issued at the last pairing; older ones are refused
 * @param lastHeartbeat      last Register or Heartbeat received
 * @param hostname           host name the agent reported
 * @param version            agent version the agent reported
 * @param ipAddresses        appliance addresses the agent reported
 * @param capacity           appliance capacity the agent reported
 * @param cluster            the gateway cluster's status as the agent last reported it
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
        @Nullable Instant lastHeartbeat,
        @Nullable String hostname,
        @Nullable String version,
        List<String> ipAddresses,
        @Nullable GatewayCapacity capacity,
        @Nullable ClusterStatusRecord cluster) {

    public GatewayRecord {
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    }

    static GatewayRecord created(String id, String name, String pinHash, Instant now, Instant pinExpiresAt) {
        return new GatewayRecord(id, name, GatewayState.PENDING, false, now, pinHash, pinExpiresAt, false, 0,
                null, null, null, null, null, List.of(), null, null);
    }

    /** A fresh PIN also forgives earlier wrong guesses and lifts a lockout. */
    public GatewayRecord withNewPin(String newPinHash, Instant newPinExpiresAt) {
        return new GatewayRecord(id, name, state, false, createdAt, newPinHash, newPinExpiresAt, false, 0,
                pairedAt, certificateSerial, lastHeartbeat, hostname, version, ipAddresses, capacity, cluster);
    }

    /** Counts a wrong PIN; reaching {@code maxFailures} locks the record. */
    public GatewayRecord withFailedAttempt(int maxFailures) {
        int failures = failedAttempts + 1;
        return new GatewayRecord(id, name, state, failures >= maxFailures, createdAt, pinHash, pinExpiresAt, pinUsed,
                failures, pairedAt, certificateSerial, lastHeartbeat, hostname, version, ipAddresses, capacity, cluster);
    }

    /** Uses up the PIN and records the certificate that is the gateway's identity from now on. */
    public GatewayRecord paired(String newCertificateSerial, Instant now) {
        return new GatewayRecord(id, name, GatewayState.PAIRED, false, createdAt, pinHash, pinExpiresAt, true,
                failedAttempts, now, newCertificateSerial, lastHeartbeat, hostname, version, ipAddresses, capacity, cluster);
    }

    /** The agent registered on a control stream with these facts. */
    public GatewayRecord registered(String newHostname, String newVersion, List<String> newIpAddresses,
                                    GatewayCapacity newCapacity, Instant now) {
        return new GatewayRecord(id, name, GatewayState.ONLINE, locked, createdAt, pinHash, pinExpiresAt, pinUsed,
                failedAttempts, pairedAt, certificateSerial, now, newHostname, newVersion, newIpAddresses, newCapacity, cluster);
    }

    public GatewayRecord heartbeat(Instant now) {
        return new GatewayRecord(id, name, state, locked, createdAt, pinHash, pinExpiresAt, pinUsed,
                failedAttempts, pairedAt, certificateSerial, now, hostname, version, ipAddresses, capacity, cluster);
    }

    public GatewayRecord withState(GatewayState newState) {
        return new GatewayRecord(id, name, newState, locked, createdAt, pinHash, pinExpiresAt, pinUsed,
                failedAttempts, pairedAt, certificateSerial, lastHeartbeat, hostname, version, ipAddresses, capacity, cluster);
    }

    /** The agent reported its cluster's status; the previous one is replaced. */
    public GatewayRecord withCluster(ClusterStatusRecord newCluster) {
        return new GatewayRecord(id, name, state, locked, createdAt, pinHash, pinExpiresAt, pinUsed,
                failedAttempts, pairedAt, certificateSerial, lastHeartbeat, hostname, version, ipAddresses, capacity, newCluster);
    }
}
