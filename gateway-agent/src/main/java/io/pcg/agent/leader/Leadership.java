package io.pcg.agent.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the agent's replicas acts: the one that holds the Lease (fabric8's {@code LeaderElector}). Only it
 * reconciles and holds the console link; the others stand by and campaign. A leader that loses the lease (it could not
 * renew in time, or another replica took it over) stops acting at once: {@link #acting} turns false before the
 * {@code onLost} action runs, which in the agent ends the process so Kubernetes restarts it as a follower, as
 * controller-runtime does, rather than leave half-done work racing the new leader.
 *
 * <p>A leader whose renewals stop succeeding (its requests hang or fail) stops acting once its last successful
 * renewal is older than the renew deadline, checked every retry period by a watchdog of its own: the elector alone
 * may wait on a request that never ends, while the others take the lease over after the (longer) lease duration.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final LeaderElectionSettings settings;
    private final String namespace;
    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService executor;
    private final List<Runnable> whenActing = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<?> campaign;
    private volatile Runnable onLeading = () -> {};
    private volatile Runnable onLost = () -> {};
    /** Acting without a lease ({@link #actAlone}). */
    private volatile boolean alone;

    private final AtomicBoolean watching = new AtomicBoolean();
    /** It acted alone, console link included, and campaigns now without having led yet. */
    private final AtomicBoolean linkedWithoutLease = new AtomicBoolean();
    /** {@link System#nanoTime} of the last successful write of the lease by this replica. */
    private volatile long lastRenewal;

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pcg-leader-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param namespace where the Lease lives (the gateway cluster's IPAM namespace)
     * @param identity  this replica's name in the Lease's holderIdentity (the pod name)
     */
    public Leadership(LeaderElectionSettings settings, String namespace, String identity) {
        this.settings = settings;
        this.namespace = namespace;
        this.identity = identity;
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pcg-leader-election");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Whether this replica may act now: always with election off or while it {@linkplain #actAlone acts alone}, else
     * only while it holds the lease.
     */
    public boolean acting() {
        return !settings.enabled() || alone || leading.get();
    }

    /**
     * Acts without a lease: the installer VM's agent before the pivot (and after a reset moved the gateway back), when
     * it is the only copy of the agent and there is no gateway cluster to hold a lease in. Gives up a campaign under
     * way (releasing the lease) without counting as lost. Runs {@code onLeading} and the {@link #whenActing} actions.
     */
    public void actAlone(Runnable onLeading, Runnable onLost) {
        this.onLeading = onLeading;
        this.onLost = onLost;
        actAlone();
    }

    /** {@link #actAlone(Runnable, Runnable)} again, with the actions given first. */
    public void actAlone() {
        alone = true;
        CompletableFuture<?> running = campaign;
        if (running != null) {
            running.cancel(true);
            campaign = null;
        }
        leading.set(false);
        LOG.info("replica {} acts alone: no lease to campaign for yet", identity);
        whenActing.forEach(Runnable::run);
        onLeading.run();
    }

    /**
     * Campaigns on {@code client} (the gateway cluster's, after the pivot) with the actions given to
     * {@link #actAlone(Runnable, Runnable)}: the installer VM's agent becomes one of the replicas. Until it leads it
     * does not act; if another replica leads first, it goes as one that lost the lease.
     */
    public void campaign(KubernetesClient client) {
        if (settings.enabled() && alone) {
            start(client, onLeading, onLost);
        }
    }

    /** Whether it acts without a lease ({@link #actAlone}). */
    public boolean alone() {
        return alone;
    }

    /** Whether replicas campaign at all ({@code pcg.agent.leader-election.enabled}). */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Runs {@code action} when this replica starts to act, with election on: for work that only the leader may do
     * besides the link and the reconciles (serving address claims). Register before {@link #start}.
     */
    public void whenActing(Runnable action) {
        whenActing.add(action);
    }

    public String identity() {
        return identity;
    }

    /**
     * Runs {@code onLeading} at once with election off; otherwise campaigns for the lease on {@code client} and runs
     * {@code onLeading} when this replica holds it and {@code onLost} when it loses it (not when {@link #close} gives
     * it up).
     */
    public void start(KubernetesClient client, Runnable onLeading, Runnable onLost) {
        this.onLeading = onLeading;
        this.onLost = onLost;
        if (!settings.enabled()) {
            onLeading.run();
            return;
        }
        linkedWithoutLease.set(alone);
        alone = false;
        LOG.info(
                "replica {} campaigns for lease {}/{} (duration {}, renew deadline {}, retry {})",
                identity,
                namespace,
                settings.lease(),
                settings.leaseDuration(),
                settings.renewDeadline(),
                settings.retryPeriod());
        campaign = new LeaderElectorBuilder(client, executor)
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(settings.lease())
                        .withLock(new RenewalRecordingLock(new LeaseLock(namespace, settings.lease(), identity)))
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    lastRenewal = System.nanoTime();
                                    linkedWithoutLease.set(false);
                                    leading.set(true);
                                    LOG.info("replica {} leads: it reconciles and links to the console", identity);
                                    whenActing.forEach(Runnable::run);
                                    onLeading.run();
                                },
                                () -> stopActing("lost lease", onLost),
                                leader -> {
                                    LOG.info("lease {}/{} is held by {}", namespace, settings.lease(), leader);
                                    if (!identity.equals(leader) && linkedWithoutLease.getAndSet(false)) {
                                        // It acted alone until now and still has its console link: another
                                        // replica leads, so it goes as a leader that lost the lease goes.
                                        LOG.error("replica {} gives way to {}", identity, leader);
                                        onLost.run();
                                    }
                                }))
                        .build())
                .build()
                .start();
        // The elector can also end without calling back, e.g. when its client fails in a way it does not retry: a
        // replica that no longer renews must not go on acting while another takes the lease over.
        campaign.whenComplete((ignored, failure) -> stopActing(
                "the elector ended"
                        + (failure == null ? "" : " (" + failure.getClass().getSimpleName() + ")") + " holding lease",
                onLost));
        if (!watching.compareAndSet(false, true)) {
            return;
        }
        long period = settings.retryPeriod().toNanos();
        watchdog.scheduleWithFixedDelay(
                () -> {
                    if (leading.get()
                            && System.nanoTime() - lastRenewal
                                    > settings.renewDeadline().toNanos()) {
                        stopActing("could not renew within " + settings.renewDeadline() + " lease", onLost);
                    }
                },
                period,
                period,
                TimeUnit.NANOSECONDS);
    }

    private void stopActing(String why, Runnable onLost) {
        if (!closed.get() && !alone && leading.getAndSet(false)) {
            LOG.error("replica {} {} {}/{}: it stops acting", identity, why, namespace, settings.lease());
            onLost.run();
        }
    }

    /** The lease lock, noting when this replica last wrote the lease successfully (acquired or renewed it). */
    private final class RenewalRecordingLock implements Lock {

        private final Lock lock;

        RenewalRecordingLock(Lock lock) {
            this.lock = lock;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient client) {
            return lock.get(client);
        }

        @Override
        public void create(KubernetesClient client, LeaderElectionRecord record) {
            lock.create(client, record);
            lastRenewal = System.nanoTime();
        }

        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
            lock.update(client, record);
            lastRenewal = System.nanoTime();
        }

        @Override
        public String identity() {
            return lock.identity();
        }

        @Override
        public String describe() {
            return lock.describe();
        }
    }

    /** Stops campaigning; a leader gives the lease up, so a follower takes over without waiting for it to expire. */
    @Override
    public void close() {
        closed.set(true);
        CompletableFuture<?> running = campaign;
        if (running != null) {
            running.cancel(true);
        }
        leading.set(false);
        watchdog.shutdownNow();
        executor.shutdown();
    }
}
