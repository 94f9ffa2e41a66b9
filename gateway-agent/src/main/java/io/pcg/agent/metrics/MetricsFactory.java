package io.pcg.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.link.GatewayLink;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The link's and the pools' meters, in the "agent" environment only (where the link exists). */
@Factory
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class MetricsFactory {

    @Context
    LinkMeters linkMeters(MeterRegistry registry, AgentStatus status, GatewayLink link) {
        LinkMeters meters = new LinkMeters(registry, status, Clock.systemUTC());
        link.subscribe(meters);
        return meters;
    }

    @Singleton
    PoolMeters poolMeters(MeterRegistry registry, ManagementCluster cluster, PoolService pools) {
        return new PoolMeters(registry, cluster, pools);
    }
}
