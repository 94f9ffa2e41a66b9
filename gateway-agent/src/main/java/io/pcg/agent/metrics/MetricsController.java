package io.pcg.agent.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.pcg.agent.GatewayAgentApplication;

/**
 * {@code GET /metrics} on the 127.0.0.1 management port: the agent's meters in the Prometheus text format, for a
 * node exporter's textfile collector or a Prometheus on the appliance reached over SSH; nothing listens outside.
 */
@Controller("/metrics")
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
@ExecuteOn(TaskExecutors.BLOCKING)
public class MetricsController {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final PoolMeters pools;

    public MetricsController(PrometheusMeterRegistry registry, PoolMeters pools) {
        this.registry = registry;
        this.pools = pools;
    }

    @Get
    @Produces(CONTENT_TYPE)
    public String scrape() {
        pools.refresh();
        return registry.scrape();
    }
}
