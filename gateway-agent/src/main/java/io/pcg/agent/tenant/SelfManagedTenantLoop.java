package io.pcg.agent.tenant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.pcg.common.errors.OperatorException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as the gateway deploys it into a pivoted tenant cluster ({@code AgentDeployment.renderTenant} sets
 * {@value #PROPERTY}): every {@code pcg.agent.tenant.resync} it runs {@link TenantSelfManagement} on its own cluster,
 * reached through the pod's service account.
 */
@Singleton
@Requires(property = SelfManagedTenantLoop.PROPERTY)
public class SelfManagedTenantLoop implements ApplicationEventListener<StartupEvent>, AutoCloseable {

    static final String PROPERTY = "pcg.agent.tenant.self-namespace";
    private static final Logger LOG = LoggerFactory.getLogger(SelfManagedTenantLoop.class);

    private final String namespace;
    private final TenantConfig config;
    private final KubernetesClient own = new KubernetesClientBuilder().build();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tenant-self-management");
        thread.setDaemon(true);
        return thread;
    });

    public SelfManagedTenantLoop(@Property(name = PROPERTY) String namespace, TenantConfig config) {
        this.namespace = namespace;
        this.config = config;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        loop.scheduleWithFixedDelay(this::pass, 0, config.resync().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass() {
        try {
            TenantSelfManagement.Outcome outcome = TenantSelfManagement.reconcile(own, namespace);
            LOG.debug("tenant self-management in {}: {}", namespace, outcome);
        } catch (OperatorException e) {
            LOG.warn("tenant self-management: {} ({}); retrying", e.getMessage(), e.code());
        } catch (KubernetesClientException e) {
            LOG.warn("tenant self-management: the cluster answered {}; retrying", e.getMessage());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        loop.shutdownNow();
        own.close();
    }
}
