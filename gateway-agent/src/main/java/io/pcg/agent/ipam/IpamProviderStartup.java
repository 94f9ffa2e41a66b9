package io.pcg.agent.ipam;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.leader.Leadership;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the agent the IPAM provider as soon as it knows its management cluster: at start-up when
 * {@code pcg.agent.kube.kubeconfig} names it (or the agent runs inside a cluster), else once the bootstrap has
 * created it and points the agent there. Before that there is nothing to serve and the provider stays idle. Starting happens off the startup thread and is retried while the cluster or its CRDs are not there
 * yet, so a slow management cluster never delays pairing or the control stream.
 */
@Singleton
public class IpamProviderStartup implements ApplicationEventListener<StartupEvent> {

    static final Duration RETRY_DELAY = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(IpamProviderStartup.class);

    private final IpamController controller;
    private final ManagementCluster cluster;
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ipam-start");
        thread.setDaemon(true);
        return thread;
    });

    private final Leadership leadership;

    public IpamProviderStartup(IpamController controller, ManagementCluster cluster, Leadership leadership) {
        this.controller = controller;
        this.cluster = cluster;
        this.leadership = leadership;
        // After the pivot the claims live on the gateway cluster: serve them there, with the same retries.
        cluster.onRepoint(client -> {
            controller.close();
            starter.execute(this::startOrRetry);
        });
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!cluster.isKnown()) {
            return;
        }
        if (leadership.enabled()) {
            // Replicas in the gateway cluster: only the leader answers claims, so two never answer the same one.
            leadership.whenActing(() -> starter.execute(this::startOrRetry));
        } else {
            starter.execute(this::startOrRetry);
        }
    }

    private void startOrRetry() {
        if (!leadership.acting()) {
            return;
        }
        try {
            controller.start();
            LOG.info("IPAM provider started: serving IPAddressClaims for InClusterIPPools");
        } catch (RuntimeException e) {
            LOG.warn(
                    "IPAM provider not started yet: {}. Retrying in {} s; check that the management cluster is up "
                            + "and pcg.agent.kube.kubeconfig points at it",
                    e.getMessage(),
                    RETRY_DELAY.toSeconds());
            starter.schedule(this::startOrRetry, RETRY_DELAY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        starter.shutdownNow();
    }
}
