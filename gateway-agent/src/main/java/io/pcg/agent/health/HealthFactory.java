package io.pcg.agent.health;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.health.kube.KubeUsageSource;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.link.GatewayLink;
import java.time.Clock;

/** Starts the health monitor with the agent and connects it to the console link. Only in the "agent" environment. */
@Factory
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class HealthFactory {

    @Context
    @Bean(preDestroy = "close")
    HealthMonitor healthMonitor(
            HealthConfig config,
            ManagementCluster cluster,
            AgentStatus status,
            EventPublisher events,
            AgentConfig agent,
            GatewayLink link) {
        HealthMonitor monitor = new HealthMonitor(
                config, cluster, new KubeUsageSource(), status, events, agent.name(), Clock.systemUTC());
        link.subscribe(monitor.subscriber());
        monitor.start();
        return monitor;
    }
}
