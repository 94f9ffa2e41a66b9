package io.pcg.agent.simulation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.agent.tenant.TenantSelfManagement;
import io.pcg.common.errors.OperatorException;
import io.pcg.simulators.WorkloadClusters;
import io.pcg.testkit.kube.KubeApiServer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the agent the gateway deploys into each pivoted tenant cluster (seed 004), which no container runtime
 * runs here. For every workload cluster of the site that holds a tenant spec ({@link TenantSelfManagement#DESIRED}),
 * it runs the agent's own {@link TenantSelfManagement} pass against that cluster's API server, as the deployed agent
 * would; Cluster API in the tenant cluster is the site's simulated providers, started by {@code clusterctl init}.
 * It lives in the site, not in the gateway agent, so it carries on while the gateway agent is stopped.
 *
 * <p>{@link #hold()} makes it skip its passes until {@link #release()}: a test proves that growth happens while the
 * gateway is stopped by releasing it only then.
 */
public final class SimulatedTenantAgents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedTenantAgents.class);

    private final WorkloadClusters.OnDemand workloads;
    private final AtomicBoolean held = new AtomicBoolean();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "simulated-tenant-agents");
        thread.setDaemon(true);
        return thread;
    });

    private SimulatedTenantAgents(WorkloadClusters.OnDemand workloads) {
        this.workloads = workloads;
    }

    /** Starts a pass over every workload cluster each {@code every}. */
    public static SimulatedTenantAgents start(WorkloadClusters.OnDemand workloads, Duration every) {
        SimulatedTenantAgents agents = new SimulatedTenantAgents(workloads);
        agents.loop.scheduleWithFixedDelay(agents::pass, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return agents;
    }

    /** The tenant agents do nothing until {@link #release()}. */
    public void hold() {
        held.set(true);
    }

    public void release() {
        held.set(false);
    }

    private void pass() {
        if (held.get()) {
            return;
        }
        for (var entry : workloads.started().entrySet()) {
            KubeApiServer server = entry.getValue();
            try {
                for (ConfigMap desired : server.client()
                        .configMaps()
                        .inAnyNamespace()
                        .withLabel(TenantSelfManagement.DESIRED_LABEL)
                        .list()
                        .getItems()) {
                    TenantSelfManagement.reconcile(
                            server.client(), desired.getMetadata().getNamespace());
                }
            } catch (OperatorException e) {
                LOG.warn("Simulator: tenant agent in {}: {} ({})", entry.getKey(), e.getMessage(), e.code());
            } catch (KubernetesClientException e) {
                // A workload cluster being deleted stops answering; the next pass no longer sees it.
                LOG.debug("Simulator: tenant agent in {}: {}", entry.getKey(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
