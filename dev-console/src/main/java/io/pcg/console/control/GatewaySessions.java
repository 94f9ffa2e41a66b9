package io.pcg.console.control;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayCapacity;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayState;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.grpc.GatewayRefusals;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.Register;
import io.pcg.proto.v1.Registered;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateway is connected on which control stream, and the Online/Offline state that follows from it. At most
 * one stream per gateway: a newer one replaces the older (an agent that reconnects before the console noticed the
 * old connection die). A gateway whose heartbeats stop for {@code offlineAfter} is shown Offline and its stream
 * is closed, so the agent reconnects.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewaySessions {

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySessions.class);
    private static final Duration LONGEST_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final GatewayStore store;
    private final CommandService commands;
    private final GatewayEvents events;
    private final Clock clock;
    private final ConsoleConfig config;
    private final Map<String, GatewaySession> current = new ConcurrentHashMap<>();
    /** Set once the console stops: sessions that end after that are not written down. */
    private boolean stopped;

    private ScheduledExecutorService heartbeatChecker;

    public GatewaySessions(
            GatewayStore store, CommandService commands, GatewayEvents events, Clock clock, ConsoleConfig config) {
        this.store = store;
        this.commands = commands;
        this.events = events;
        this.clock = clock;
        this.config = config;
    }

    @PostConstruct
    void startHeartbeatChecks() {
        long periodMillis = Math.max(
                100,
                Math.min(
                        LONGEST_CHECK_INTERVAL.toMillis(), config.offlineAfter().toMillis() / 3));
        heartbeatChecker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-heartbeat-check");
            thread.setDaemon(true);
            return thread;
        });
        heartbeatChecker.scheduleWithFixedDelay(
                this::closeSilentSessions, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes what is still open, then stops writing: a stream's cancel handler or a heartbeat check still running on
     * another thread must not write into the data folder after the console has stopped (it may be gone by then).
     */
    @PreDestroy
    synchronized void stopHeartbeatChecks() {
        heartbeatChecker.shutdownNow();
        disconnectAll();
        stopped = true;
    }

    /**
     * Closes every control stream (UNAVAILABLE) so that the gRPC server can stop without waiting for them. Holding the
     * lock, it also waits for an {@link #ended} under way on a gRPC thread to finish writing.
     */
    public synchronized void disconnectAll() {
        for (GatewaySession session : List.copyOf(current.values())) {
            ended(session, "the console shut down");
            session.close(Status.UNAVAILABLE.withDescription("the console is shutting down; reconnect later"));
        }
    }

    /**
     * Revokes the gateway: its certificates are refused from now on (until it pairs again with a new PIN) and its open
     * stream, if any, is closed with the refusal, so the agent stops instead of reconnecting. Revoking again keeps
     * the first revocation's time.
     */
    public synchronized GatewayRecord revoke(String gatewayId) {
        GatewayRecord record = store.update(
                gatewayId, gateway -> gateway.revokedAt() != null ? gateway : gateway.revoked(clock.instant()));
        LOG.warn("Gateway {} ({}) revoked", gatewayId, record.name());
        events.recordFromConsole(
                gatewayId,
                "Warning",
                "Revoked",
                "An admin revoked the gateway; it must pair again" + " with a new PIN");
        closeStream(gatewayId, "the gateway was revoked", GatewayRefusals.revoked(gatewayId));
        return record;
    }

    /**
     * Forgets the gateway: its open stream, if any, is closed and its record removed, so its certificates, which only
     * a known gateway's are, are refused from now on. Its events stay readable until the console restarts.
     */
    public synchronized GatewayRecord forget(String gatewayId, String why) {
        closeStream(gatewayId, "the gateway was deleted", GatewayRefusals.deleted(gatewayId));
        GatewayRecord forgotten = store.remove(gatewayId);
        LOG.warn("Gateway {} ({}) deleted: {}", gatewayId, forgotten.name(), why);
        events.recordFromConsole(gatewayId, "Warning", "Deleted", "The gateway was deleted: " + why);
        return forgotten;
    }

    /** Offline first, then the stream closes with the refusal: the agent never sees a closed stream while Online. */
    private void closeStream(String gatewayId, String why, StatusRuntimeException refusal) {
        GatewaySession session = current.get(gatewayId);
        if (session != null) {
            ended(session, why);
            session.close(refusal);
        }
    }

    public boolean isConnected(String gatewayId) {
        return current.containsKey(gatewayId);
    }

    /** The agent registered on this stream: record its facts, answer, and hand it the pending commands. */
    synchronized void registered(GatewaySession session, Register register) {
        if (session.isClosed()) {
            return;
        }
        String gatewayId = session.gatewayId();
        Instant now = clock.instant();
        GatewayRecord record = store.update(
                gatewayId,
                gateway -> gateway.registered(
                        register.getHostname(),
                        register.getVersion(),
                        register.getIpAddressesList(),
                        new GatewayCapacity(
                                register.getCapacity().getCpus(),
                                register.getCapacity().getMemoryBytes(),
                                register.getCapacity().getDiskFreeBytes()),
                        now));
        boolean firstOnStream = !session.isRegistered();
        session.markRegistered();
        session.send(ConsoleMessage.newBuilder()
                .setRegistered(Registered.newBuilder()
                        .setGatewayId(gatewayId)
                        .setHeartbeatIntervalSeconds(config.heartbeatIntervalSeconds()))
                .build());
        if (!firstOnStream) {
            return;
        }
        GatewaySession previous = current.put(gatewayId, session);
        if (previous != null && previous != session) {
            previous.close(Status.ABORTED.withDescription("replaced by a newer control stream from the same gateway"));
            commands.detach(gatewayId, previous);
        }
        commands.attach(gatewayId, session);
        LOG.info(
                "Gateway {} ({}) registered: agent {} on {} {}",
                gatewayId,
                record.name(),
                register.getVersion(),
                register.getHostname(),
                register.getIpAddressesList());
        events.recordFromConsole(
                gatewayId,
                "Info",
                "Registered",
                "The agent " + register.getVersion() + " on " + register.getHostname() + " "
                        + register.getIpAddressesList() + " opened the control stream");
    }

    void heartbeat(GatewaySession session) {
        if (current.get(session.gatewayId()) == session) {
            store.updateInMemory(session.gatewayId(), gateway -> gateway.heartbeat(clock.instant()));
        }
    }

    /**
     * The stream is over, or about to be closed by the console; Offline unless a newer stream already took over.
     * Callers that close the stream themselves do so after this, so the agent never sees a closed stream while the
     * console still shows the gateway Online.
     */
    synchronized void ended(GatewaySession session, String why) {
        String gatewayId = session.gatewayId();
        if (!current.remove(gatewayId, session) || stopped) {
            return;
        }
        commands.detach(gatewayId, session);
        store.update(
                gatewayId,
                gateway -> gateway.state() == GatewayState.ONLINE ? gateway.withState(GatewayState.OFFLINE) : gateway);
        LOG.info("Gateway {} is offline: {}", gatewayId, why);
        events.recordFromConsole(gatewayId, "Warning", "Disconnected", "Control stream ended: " + why);
    }

    private void closeSilentSessions() {
        try {
            Instant deadline = clock.instant().minus(config.offlineAfter());
            for (GatewaySession session : List.copyOf(current.values())) {
                Instant lastHeard = store.find(session.gatewayId())
                        .map(GatewayRecord::lastHeartbeat)
                        .orElse(null);
                if (lastHeard == null || lastHeard.isBefore(deadline)) {
                    String why = "no heartbeat for more than "
                            + config.offlineAfter().toSeconds() + " s";
                    ended(session, why);
                    session.close(Status.UNAVAILABLE.withDescription(why + "; reconnect"));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Heartbeat check failed; will retry", e);
        }
    }
}
