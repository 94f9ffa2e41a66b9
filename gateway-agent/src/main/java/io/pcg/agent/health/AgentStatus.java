package io.pcg.agent.health;

import io.pcg.agent.link.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the agent is doing right now and what last went wrong, for the local health endpoint. Thread-safe;
 * holds no secret (problems are composed without PINs, passwords or keys).
 */
public final class AgentStatus {

    /** Where the agent is in its life. */
    public enum Phase {
        /** Starting up, nothing attempted yet. */
        STARTING,
        /** Calling Pairing.Pair with the PIN. */
        PAIRING,
        /** Opening the control stream with the stored identity. */
        CONNECTING,
        /** Registered; the control stream is up. */
        CONNECTED,
        /** The last attempt failed; the agent retries by itself after a backoff. */
        RETRYING,
        /** The agent stopped trying: the problem needs an operator (see the hint). */
        NEEDS_OPERATOR
    }

    /**
     * @param phase            current phase
     * @param gatewayId        console's id for this gateway once paired, else empty
     * @param consoleEndpoint  the console as configured
     * @param problem          code of the last problem (a ConnectionProblem name) or empty
     * @param message          what went wrong, or empty
     * @param hint             how to fix it, or empty
     * @param since            when the phase was entered
     * @param lastRegisteredAt last successful registration, or null
     * @param lastHeartbeatAt  last heartbeat sent, or null
     * @param certificateExpiresAt end of the client certificate's validity (renewed at 2/3 of its life), or null
     *                         before pairing
     */
    public record Snapshot(
            Phase phase,
            String gatewayId,
            String consoleEndpoint,
            String problem,
            String message,
            String hint,
            Instant since,
            Instant lastRegisteredAt,
            Instant lastHeartbeatAt,
            Instant certificateExpiresAt) {}

    private final Clock clock;
    private final AtomicReference<Snapshot> current;

    public AgentStatus(String consoleEndpoint, Clock clock) {
        this.clock = clock;
        this.current = new AtomicReference<>(
                new Snapshot(Phase.STARTING, "", consoleEndpoint, "", "", "", clock.instant(), null, null, null));
    }

    public Snapshot snapshot() {
        return current.get();
    }

    public void phase(Phase phase) {
        Instant now = clock.instant();
        current.updateAndGet(s -> new Snapshot(
                phase,
                s.gatewayId(),
                s.consoleEndpoint(),
                s.problem(),
                s.message(),
                s.hint(),
                now,
                s.lastRegisteredAt(),
                s.lastHeartbeatAt(),
                s.certificateExpiresAt()));
    }

    /** The identity in use, after pairing or a renewal: its certificate is valid until {@code expiresAt}. */
    public void paired(String gatewayId, Instant expiresAt) {
        current.updateAndGet(s -> new Snapshot(
                s.phase(),
                gatewayId,
                s.consoleEndpoint(),
                s.problem(),
                s.message(),
                s.hint(),
                s.since(),
                s.lastRegisteredAt(),
                s.lastHeartbeatAt(),
                expiresAt));
    }

    /** Registered: the problem is cleared. */
    public void connected(String gatewayId) {
        Instant now = clock.instant();
        current.updateAndGet(s -> new Snapshot(
                Phase.CONNECTED,
                gatewayId.isEmpty() ? s.gatewayId() : gatewayId,
                s.consoleEndpoint(),
                "",
                "",
                "",
                now,
                now,
                s.lastHeartbeatAt(),
                s.certificateExpiresAt()));
    }

    /** The identity is gone ({@code why} says why): no gateway id, no certificate, and the problem to show. */
    public void unpaired(Problem why) {
        Instant now = clock.instant();
        current.updateAndGet(s -> new Snapshot(
                Phase.NEEDS_OPERATOR,
                "",
                s.consoleEndpoint(),
                why.kind().name(),
                why.message(),
                why.kind().hint(),
                now,
                s.lastRegisteredAt(),
                s.lastHeartbeatAt(),
                null));
    }

    public void heartbeat(Instant at) {
        current.updateAndGet(s -> new Snapshot(
                s.phase(),
                s.gatewayId(),
                s.consoleEndpoint(),
                s.problem(),
                s.message(),
                s.hint(),
                s.since(),
                s.lastRegisteredAt(),
                at,
                s.certificateExpiresAt()));
    }

    /** A failed attempt: RETRYING if the problem is retryable, NEEDS_OPERATOR otherwise. */
    public void failed(Problem problem) {
        Instant now = clock.instant();
        Phase phase = problem.kind().retryable() ? Phase.RETRYING : Phase.NEEDS_OPERATOR;
        current.updateAndGet(s -> new Snapshot(
                phase,
                s.gatewayId(),
                s.consoleEndpoint(),
                problem.kind().name(),
                problem.message(),
                problem.kind().hint(),
                now,
                s.lastRegisteredAt(),
                s.lastHeartbeatAt(),
                s.certificateExpiresAt()));
    }
}
