package io.pcg.agent;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.pcg.agent.command.CommandDispatcher;
import io.pcg.agent.command.CommandHandler;
import io.pcg.agent.command.CommandQueue;
import io.pcg.agent.command.QueuePolicy;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.health.StatusBanner;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.leader.Leadership;
import io.pcg.agent.link.GatewayLink;
import io.pcg.agent.metrics.AgentMeters;
import io.pcg.agent.state.AgentState;
import io.pcg.common.proxy.ProxySettings;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wires the link to the console and starts it once the application and its local health endpoint are up.
 * Only in the "agent" environment, so the dev-console can share a classpath with the agent.
 */
@Factory
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class AgentFactory {

    /** The exit code of a replica that lost the lease (the pod restarts and campaigns again as a follower). */
    static final int LOST_LEASE_EXIT_CODE = 75;

    /**
     * The site's proxy, from the agent's environment as the installer sets it (HTTP_PROXY, HTTPS_PROXY, NO_PROXY);
     * the gateway cluster's nodes get the same.
     */
    @Singleton
    ProxySettings siteProxy() {
        return ProxySettings.fromEnvironment(System.getenv());
    }

    @Singleton
    AgentStatus agentStatus(AgentConfig config) {
        return new AgentStatus(config.consoleEndpoint(), Clock.systemUTC());
    }

    /** Tenant-cluster requests that wait for a gateway upgrade, kept across restarts in the state folder. */
    @Singleton
    @Bean(preDestroy = "close")
    CommandQueue commandQueue(AgentConfig config) throws IOException {
        return CommandQueue.open(config.stateDir().resolve(CommandQueue.FILE), QueuePolicy.DEFAULT, Clock.systemUTC());
    }

    @Singleton
    @Bean(preDestroy = "close")
    CommandDispatcher commandDispatcher(List<CommandHandler> handlers, CommandQueue queue, AgentMeters meters) {
        return new CommandDispatcher(
                handlers,
                CommandDispatcher.DEFAULT_THREADS,
                CommandDispatcher.DEFAULT_QUEUE,
                CommandDispatcher.DEFAULT_REMEMBERED,
                queue,
                meters);
    }

    @Singleton
    @Bean(preDestroy = "close")
    GatewayLink gatewayLink(AgentConfig config, CommandDispatcher dispatcher, AgentStatus status) {
        return new GatewayLink(config, System.getenv(), AgentVersion.current(), dispatcher, status, Clock.systemUTC());
    }

    /** Only on the appliance, where the installer names the banner file; never in development or tests by default. */
    @Context
    @Requires(property = "pcg.agent.status-banner-file")
    @Bean(preDestroy = "close")
    StatusBanner statusBanner(AgentConfig config, AgentStatus status, ClusterStatusReporter cluster) {
        StatusBanner banner = new StatusBanner(status, cluster, config.statusBannerFile());
        banner.start();
        return banner;
    }

    /**
     * After the health endpoint is up: pairing then never competes with the HTTP server's start for the CPU. With
     * leader election on, the link starts only on the replica that leads; one that loses the lease ends its process
     * at once, and Kubernetes restarts it as a follower.
     */
    @EventListener
    void onServerStarted(ServerStartupEvent event) {
        ApplicationContext context = event.getSource().getApplicationContext();
        GatewayLink link = context.getBean(GatewayLink.class);
        AtomicBoolean linked = new AtomicBoolean();
        Runnable startLink = () -> {
            if (linked.compareAndSet(false, true)) {
                link.start();
            }
        };
        Runnable exit = () -> Runtime.getRuntime().halt(LOST_LEASE_EXIT_CODE);
        Leadership leadership = context.getBean(Leadership.class);
        AgentState state = context.getBean(AgentState.class);
        if (leadership.enabled() && !state.inCluster()) {
            // The installer VM before the pivot: the only copy of the agent, and no gateway cluster to campaign in.
            leadership.actAlone(startLink, exit);
        } else {
            state.followIntoCluster();
            leadership.start(context.getBean(ManagementCluster.class).client(), startLink, exit);
        }
    }
}
