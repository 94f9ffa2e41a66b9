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
 * @param pivot            seed 004's order (the default): each new tenant cluster gets Cluster API and the agent and its
 *                         objects are moved into it, so it manages itself. {@code false} keeps new tenant clusters'
 *                         objects in the gateway's management cluster, for sites whose tenant clusters cannot reach
 *                         what a self-managing cluster needs (vCenter, images) or that want no Cluster API in every
 *                         tenant cluster; read when a cluster is created, so existing clusters keep their way
 */
@ConfigurationProperties("pcg.agent.tenant")
public record TenantConfig(
        @Bindable(defaultValue = "10s") Duration resync,
        @Bindable(defaultValue = "15m") Duration forceDeleteAfter,
        @Bindable(defaultValue = "true") boolean pivot) {}
