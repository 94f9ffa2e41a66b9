package io.pcg.agent.events;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.link.GatewayLink;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Connects the event publisher and the cluster status reporter to the console link. Only in the "agent"
 * environment, where the link exists; elsewhere (and in unit tests) they are built directly.
 */
@Factory
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class EventsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    EventPublisher eventPublisher(EventsConfig config, AgentConfig agent, GatewayLink link) {
        EventPublisher publisher =
                new EventPublisher(config, Clock.systemUTC(), agent.stateDir().resolve(EventLog.FILE));
        link.subscribe(publisher);
        return publisher;
    }

    @Singleton
    ClusterStatusReporter clusterStatusReporter(GatewayLink link) {
        ClusterStatusReporter reporter = new ClusterStatusReporter(Clock.systemUTC());
        link.subscribe(reporter);
        return reporter;
    }
}
