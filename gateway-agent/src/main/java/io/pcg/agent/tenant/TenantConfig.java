package io.pcg.agent.tenant;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How the agent builds and follows tenant clusters, bound from {@code pcg.agent.tenant.*}.
 *
 * @param resync           how often every tenant cluster is looked at again
 * @param forceDeleteAfter how long a cluster must have been stuck in Deleting before {@code cluster.forceDelete} is
 *                         allowed (the product guide's 15 minutes)
 */
@ConfigurationProperties("pcg.agent.tenant")
public record TenantConfig(
        @Bindable(defaultValue = "10s") Duration resync,
        @Bindable(defaultValue = "15m") Duration forceDeleteAfter) {}
