package io.pcg.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.link.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The console link and the client certificate as Prometheus sees them: whether the control stream is up, the
 * agent's phase, registrations and reconnects, the age of the last heartbeat and the seconds the certificate has
 * left. Gauges read {@link AgentStatus} at scrape time; the counters follow the link's registrations.
 */
public final class LinkMeters implements Upstream.Subscriber {

    private final Counter registrations;
    private final Counter reconnects;

    public LinkMeters(MeterRegistry registry, AgentStatus status, Clock clock) {
        Gauge.builder("pcg.link.connected", status, s -> s.snapshot().phase() == AgentStatus.Phase.CONNECTED ? 1 : 0)
                .description("1 while the control stream to the console is registered")
                .register(registry);
        for (AgentStatus.Phase phase : AgentStatus.Phase.values()) {
            Gauge.builder("pcg.link.phase", status, s -> s.snapshot().phase() == phase ? 1 : 0)
                    .description("1 for the agent's current phase")
                    .tag("phase", phase.name())
                    .register(registry);
        }
        Gauge.builder(
                        "pcg.link.heartbeat.age",
                        status,
                        s -> secondsSince(s.snapshot().lastHeartbeatAt(), clock))
                .description("Seconds since the last heartbeat sent; NaN before the first")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder(
                        "pcg.certificate.expiry",
                        status,
                        s -> secondsUntil(s.snapshot().certificateExpiresAt(), clock))
                .description("Seconds until the client certificate expires (negative once expired); NaN before pairing")
                .baseUnit("seconds")
                .register(registry);
        registrations = Counter.builder("pcg.link.registrations")
                .description("Control streams registered with the console")
                .register(registry);
        reconnects = Counter.builder("pcg.link.reconnects")
                .description("Registrations after the first: the link was lost and came back")
                .register(registry);
    }

    @Override
    public void connected(Upstream stream) {
        if (registrations.count() > 0) {
            reconnects.increment();
        }
        registrations.increment();
    }

    @Override
    public void disconnected() {
        // Counted when the next stream registers: a reconnect is a link that came back.
    }

    private static double secondsSince(Instant at, Clock clock) {
        return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }

    private static double secondsUntil(Instant at, Clock clock) {
        return at == null ? Double.NaN : Duration.between(clock.instant(), at).toMillis() / 1000.0;
    }
}
