package io.pcg.agent.link;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.pcg.agent.command.CommandDispatcher;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.config.PairingCodeRemoval;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.identity.AgentIdentity;
import io.pcg.agent.identity.CertificateRenewalClient;
import io.pcg.agent.identity.CertificateValidity;
import io.pcg.agent.identity.IdentityStore;
import io.pcg.agent.identity.PairingClient;
import io.pcg.agent.logs.LogSafety;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.console.PairingCode;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.secrets.Secret;
import io.pcg.proto.v1.Registered;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to the console, start to end: validate the settings, pair with the PIN unless an identity is
 * stored, then hold the control stream with mTLS and reconnect with backoff whenever it is lost. Problems an operator
 * must fix (bad endpoint, PIN refused, expired certificate, revoked gateway, ...) stop the attempts; network trouble
 * is retried. While connected it renews the client certificate at 2/3 of its life over the same channel, stores the
 * new identity and reconnects with it at once (the console accepts the old certificate until it expires, so a
 * failed renewal costs nothing but a retry). Once the gateway is deleted in the console it unpairs ({@link #unpair}):
 * the identity is deleted and nothing connects again.
 * All decisions run on one scheduler thread; gRPC callbacks only hand over to it.
 */
public final class GatewayLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayLink.class);
    static final Duration PAIRING_DEADLINE = Duration.ofSeconds(30);
    static final Duration RENEWAL_DEADLINE = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final Map<String, String> environment;
    private final String version;
    private final IdentityStore store;
    private final Path configFile;
    /** Only touched on the link's thread. */
    private boolean pairingCodeForgotten;

    private final CommandDispatcher dispatcher;
    private final AgentStatus status;
    private final Clock clock;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pcg-link");
        thread.setDaemon(true);
        return thread;
    });

    private ConsoleChannels channels;
    private String target = "";
    private int attempt;
    private ManagedChannel channel;
    /** The identity the current channel presents. */
    private AgentIdentity identity;

    private ScheduledFuture<?> renewal;
    private ControlStream stream;
    /** The stream once the console answered Register, until it ends; {@link #subscribers} are sending through it. */
    private ControlStream upstream;

    private final List<Upstream.Subscriber> subscribers = new ArrayList<>();
    /** The current stream's registration, for {@link #registeredChannel}; swapped on the link's thread only. */
    private volatile Registration registration = new Registration();
    /** Set by {@link #unpair}, completed once the identity is gone; only touched on the link's thread. */
    private CompletableFuture<Void> unpairing;
    /** The identity is deleted: the link never pairs or connects again in this process. */
    private boolean unpaired;

    private volatile boolean closed;

    /**
     * @param environment the process environment, for HTTPS_PROXY/HTTP_PROXY/NO_PROXY
     */
    public GatewayLink(
            AgentConfig config,
            Map<String, String> environment,
            String version,
            CommandDispatcher dispatcher,
            AgentStatus status,
            Clock clock) {
        LogSafety.install();
        this.config = config;
        this.environment = environment;
        this.version = version;
        this.store = new IdentityStore(config.stateDir());
        this.configFile = PairingCodeRemoval.configFile(config, environment);
        this.dispatcher = dispatcher;
        this.status = status;
        this.clock = clock;
        this.backoff = new Backoff(Backoff.DEFAULT_INITIAL, config.reconnectMaxDelay());
    }

    /** Validates the settings and starts pairing or connecting in the background. */
    public void start() {
        scheduler.execute(this::begin);
    }

    /**
     * Adds code that sends to the console on its own initiative: it hears of every registered stream from now on,
     * and of the current one at once if the link is up.
     */
    public void subscribe(Upstream.Subscriber subscriber) {
        scheduler.execute(() -> {
            subscribers.add(subscriber);
            if (upstream != null) {
                tell(subscriber, s -> s.connected(upstream));
            }
        });
    }

    /**
     * The mTLS channel of the registered control stream, for calls besides the stream that must be authenticated the
     * same way (the log bundle upload): completed at once while the link is up, else once a stream registers. A call
     * on a channel whose stream has ended since fails (the link closes that channel).
     */
    public CompletableFuture<Channel> registeredChannel() {
        return registeredChannel(null);
    }

    /**
     * As {@link #registeredChannel()}, but never {@code stale}: a channel a call just broke off on, whose stream the link
     * may not have seen end yet. Its replacement's channel is handed out once that stream registers.
     */
    public CompletableFuture<Channel> registeredChannel(Channel stale) {
        return registration.channelOtherThan(stale);
    }

    /**
     * One stream's part in {@link #registeredChannel}: its channel once it registered, and the registration after it
     * once it ended.
     */
    private static final class Registration {
        final CompletableFuture<Channel> channel = new CompletableFuture<>();
        final CompletableFuture<Registration> next = new CompletableFuture<>();

        CompletableFuture<Channel> channelOtherThan(Channel stale) {
            return channel.thenCompose(registered -> registered != stale || stale == null
                    ? CompletableFuture.completedFuture(registered)
                    : next.thenCompose(later -> later.channelOtherThan(stale)));
        }
    }

    /** A subscriber's failure must not keep the others, or the link's own bookkeeping, from going on. */
    private static void tell(Upstream.Subscriber subscriber, Consumer<Upstream.Subscriber> call) {
        try {
            call.accept(subscriber);
        } catch (RuntimeException e) {
            LOG.error(
                    "{} failed on a control stream change",
                    subscriber.getClass().getSimpleName(),
                    e);
        }
    }

    private void begin() {
        ConsoleEndpoint endpoint;
        ProxySettings proxy;
        try {
            endpoint = ConsoleEndpoint.parse(config.consoleEndpoint());
        } catch (IllegalArgumentException e) {
            stop(new Problem(ConnectionProblem.ENDPOINT_INVALID, e.getMessage()));
            return;
        }
        try {
            proxy = ProxySettings.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            stop(new Problem(ConnectionProblem.CONFIG_INVALID, e.getMessage()));
            return;
        }
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            stop(new Problem(
                    ConnectionProblem.CONFIG_INVALID,
                    "state directory " + config.stateDir() + " cannot be created: " + e.getMessage()));
            return;
        }
        channels = new ConsoleChannels(
                endpoint,
                proxy,
                Optional.ofNullable(config.consoleCaFile()),
                config.connectTimeout(),
                config.keepaliveTime(),
                config.keepaliveTimeout(),
                "pcg-agent/" + version);
        target = endpoint.authority();
        String via = channels.proxyInUse();
        LOG.info(
                "gateway '{}' links to console {}{}",
                config.name(),
                endpoint,
                via.isEmpty() ? " directly" : " through proxy " + via);
        step();
    }

    /**
     * Ends the link for good because the gateway was deleted in the console. What was sent so far gets to the console
     * first: once a stream is registered (now, or within {@code wait}) the agent closes its side of it, and the
     * console, which reads every message before that end, ends the stream in answer. Then, or when {@code wait} is
     * over, whichever is first, the identity is deleted and the health endpoint shows {@link ConnectionProblem#DELETED};
     * there is no reconnecting afterwards. The future completes once the identity is gone.
     */
    public CompletableFuture<Void> unpair(Duration wait) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                if (unpairing != null && !unpairing.isCompletedExceptionally()) {
                    unpairing.whenComplete((ignored, failure) -> {
                        if (failure == null) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(failure);
                        }
                    });
                    return;
                }
                boolean retry = unpairing != null;
                unpairing = done;
                LOG.info(
                        "the gateway was deleted in the console: unpairing once the console has read what was sent"
                                + " (at most {} s)",
                        wait.toSeconds());
                if (upstream != null) {
                    upstream.finish();
                } else if (retry || !store.exists()) {
                    // The console had its chance already, or there is nothing to unpair (never paired, or a restart
                    // after the identity was deleted): nothing to wait for.
                    forgetIdentity();
                    return;
                }
                scheduler.schedule(this::forgetIdentity, wait.toMillis(), TimeUnit.MILLISECONDS);
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(
                    new IllegalStateException("the agent is shutting down; the unpairing is done on the next start"));
        }
        return done;
    }

    /** The last step of {@link #unpair}: closes what is left, deletes the identity, says so; a repeat does nothing. */
    private void forgetIdentity() {
        if (unpairing == null || unpairing.isDone()) {
            return;
        }
        unpaired = true;
        if (stream != null) {
            stream.cancel("the gateway was deleted");
        }
        streamEnded();
        try {
            store.delete();
        } catch (UncheckedIOException e) {
            stop(new Problem(ConnectionProblem.CONFIG_INVALID, e.getMessage()));
            unpairing.completeExceptionally(e);
            return;
        }
        Problem deleted =
                new Problem(ConnectionProblem.DELETED, "the identity in " + store.directory() + " is deleted");
        status.unpaired(deleted);
        LOG.warn("{}", deleted);
        unpairing.complete(null);
    }

    private void step() {
        if (closed || unpaired) {
            return;
        }
        Optional<AgentIdentity> identity;
        try {
            identity = store.load();
        } catch (UncheckedIOException e) {
            stop(new Problem(ConnectionProblem.CONFIG_INVALID, e.getMessage()));
            return;
        }
        if (identity.isPresent()) {
            forgetPairingCode();
            connect(identity.get());
        } else {
            pair();
        }
    }

    private void pair() {
        Secret pin;
        try {
            pin = PairingCode.parse(config.pairingCode());
        } catch (IllegalArgumentException e) {
            stop(new Problem(
                    ConnectionProblem.CONFIG_INVALID,
                    e.getMessage() + " (no identity is stored in " + store.directory() + ", so the agent must pair)"));
            return;
        }
        status.phase(AgentStatus.Phase.PAIRING);
        LOG.info("pairing gateway '{}' with console {}", config.name(), channels.endpoint());
        ManagedChannel pairingChannel = null;
        try {
            pairingChannel = channels.forPairing();
            AgentIdentity identity = new PairingClient(pairingChannel, PAIRING_DEADLINE, target, channels.proxyInUse())
                    .pair(config.name(), pin, version);
            store.save(identity);
            LOG.info(
                    "paired: gateway '{}' is {} in the console; identity stored in {}",
                    config.name(),
                    identity.gatewayId(),
                    store.directory());
            forgetPairingCode();
            attempt = 0;
            connect(identity);
        } catch (ProblemException e) {
            failed(e.problem());
        } catch (UncheckedIOException e) {
            stop(new Problem(ConnectionProblem.CONFIG_INVALID, e.getMessage()));
        } finally {
            ConsoleChannels.close(pairingChannel);
        }
    }

    /**
     * Once per start, as soon as an identity is stored (just paired, or found on start after a crash right after
     * pairing): the PIN has done its job and leaves the configuration file.
     */
    private void forgetPairingCode() {
        if (!pairingCodeForgotten) {
            pairingCodeForgotten = true;
            PairingCodeRemoval.removeFrom(configFile);
        }
    }

    private void connect(AgentIdentity identity) {
        CertificateValidity validity;
        try {
            validity = CertificateValidity.of(identity.certificatePem());
        } catch (IllegalArgumentException e) {
            stop(new Problem(
                    ConnectionProblem.CONFIG_INVALID,
                    e.getMessage() + " in " + store.directory()
                            + "; delete the identity folder and pair again with a new PIN"));
            return;
        }
        status.paired(identity.gatewayId(), validity.notAfter());
        if (validity.expiredAt(clock.instant())) {
            stop(new Problem(
                    ConnectionProblem.CERTIFICATE_EXPIRED,
                    "certificate serial " + validity.serial() + " in " + store.directory() + " expired at "
                            + validity.notAfter()));
            return;
        }
        status.phase(AgentStatus.Phase.CONNECTING);
        try {
            channel = channels.forIdentity(identity);
        } catch (ProblemException e) {
            stop(e.problem());
            return;
        }
        this.identity = identity;
        StreamListener listener = new StreamListener();
        stream = new ControlStream(
                AgentFacts.register(config.name(), version, config.stateDir()),
                config.registerTimeout(),
                config.heartbeatInterval(),
                dispatcher,
                scheduler,
                listener,
                clock);
        listener.own = stream;
        stream.start(channel);
    }

    /** Renewal is due at 2/3 of the certificate's life; when it already is, right away. */
    private void scheduleRenewal(Duration delay) {
        if (renewal != null) {
            renewal.cancel(false);
        }
        renewal = scheduler.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        if (closed || upstream == null) {
            return; // not connected: the next registration schedules it again
        }
        AgentIdentity current = identity;
        CertificateValidity validity = CertificateValidity.of(current.certificatePem());
        LOG.info(
                "renewing the client certificate of gateway {} (serial {}, valid until {})",
                current.gatewayId(),
                validity.serial(),
                validity.notAfter());
        CertificateRenewalClient.renew(channel, current, RENEWAL_DEADLINE)
                .whenCompleteAsync((renewed, failure) -> renewed(current, renewed, failure), scheduler);
    }

    private void renewed(AgentIdentity previous, AgentIdentity renewed, Throwable failure) {
        if (closed) {
            return;
        }
        CertificateValidity old = CertificateValidity.of(previous.certificatePem());
        if (failure == null) {
            try {
                store.save(renewed);
            } catch (UncheckedIOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            Duration retry = old.retryDelay(clock.instant());
            String why = failure instanceof UncheckedIOException
                    ? failure.getMessage()
                    : FailureClassifier.classify(failure, target, channels.proxyInUse(), true)
                            .toString();
            LOG.warn(
                    "certificate renewal failed: {} Retrying in {} s; the current certificate stays valid until {}.",
                    why,
                    retry.toSeconds(),
                    old.notAfter());
            if (previous == identity && upstream != null) {
                scheduleRenewal(retry);
            }
            return;
        }
        CertificateValidity next = CertificateValidity.of(renewed.certificatePem());
        if (previous != identity || upstream == null) {
            // The stream the renewal came from is gone: the next connection loads the stored identity (one already
            // connecting with the old certificate is still accepted, and renews again once registered).
            LOG.info(
                    "renewed the client certificate: serial {} valid until {} replaces serial {}; used from the next connection",
                    next.serial(),
                    next.notAfter(),
                    old.serial());
            return;
        }
        LOG.info(
                "renewed the client certificate: serial {} valid until {} replaces serial {}; reconnecting with it",
                next.serial(),
                next.notAfter(),
                old.serial());
        stream.cancel("switching to the renewed client certificate");
        streamEnded();
        attempt = 0;
        connect(renewed);
    }

    /** Forgets the ended stream and its channel; subscribers hear that they can no longer send. */
    private void streamEnded() {
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
        if (upstream != null) {
            upstream = null;
            Registration ended = registration;
            registration = new Registration();
            ended.next.complete(registration);
            subscribers.forEach(subscriber -> tell(subscriber, Upstream.Subscriber::disconnected));
        }
        ConsoleChannels.close(channel);
        channel = null;
        stream = null;
    }

    private final class StreamListener implements ControlStream.Listener {
        /** The stream this listener belongs to: callbacks of a stream the link already left behind are ignored. */
        private ControlStream own;

        @Override
        public void registered(Registered registered) {
            scheduler.execute(() -> {
                if (own != stream) {
                    return;
                }
                attempt = 0;
                status.connected(registered.getGatewayId());
                LOG.info(
                        "registered with console {} as gateway {}; control stream up",
                        channels.endpoint(),
                        registered.getGatewayId());
                upstream = stream;
                registration.channel.complete(channel);
                subscribers.forEach(subscriber -> tell(subscriber, s -> s.connected(upstream)));
                if (unpairing != null) {
                    upstream.finish(); // the subscribers have queued what waited for the console: send it and end
                    return;
                }
                scheduleRenewal(
                        CertificateValidity.of(identity.certificatePem()).untilRenewal(clock.instant()));
            });
        }

        @Override
        public void heartbeatSent(Instant at) {
            status.heartbeat(at);
        }

        @Override
        public void closed(Throwable failure) {
            scheduler.execute(() -> {
                if (own != stream) {
                    return;
                }
                if (unpairing != null && upstream != null) {
                    forgetIdentity(); // the console ended the stream after reading what the agent sent before it
                    return;
                }
                streamEnded();
                failed(
                        failure == null
                                ? FailureClassifier.closedByConsole(target)
                                : FailureClassifier.classify(failure, target, channels.proxyInUse(), true));
            });
        }
    }

    private void failed(Problem problem) {
        if (closed || unpaired) {
            return;
        }
        if (!problem.kind().retryable()) {
            stop(problem);
            return;
        }
        Duration delay = backoff.delay(attempt, ThreadLocalRandom.current().nextDouble());
        attempt++;
        status.failed(problem);
        LOG.warn("{} Retrying in {} ms (attempt {}).", problem, delay.toMillis(), attempt);
        scheduler.schedule(this::step, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stop(Problem problem) {
        status.failed(problem);
        LOG.error("{} The agent stops trying until this is fixed.", problem);
    }

    @Override
    public void close() {
        closed = true;
        scheduler.execute(() -> {
            if (stream != null) {
                stream.cancel("agent shutting down");
            }
            ConsoleChannels.close(channel);
        });
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
