package io.pcg.agent.cluster;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How the agent provisions and follows its gateway cluster, bound from {@code pcg.agent.cluster.*}. The cluster's
 * objects live in the IPAM namespace ({@code pcg.agent.ipam.namespace}), because CAPV looks for
 * {@code addressesFromPools} pools in the machine's own namespace.
 *
 * @param resync          how often provisioning is looked at again without a change being seen (a missed watch
 *                        event, a failed step that is retried)
 * @param agentRepository the agent's container image, without tag, deployed into the gateway cluster at the pivot;
 *                        the tag is the agent's own version
 */
@ConfigurationProperties("pcg.agent.cluster")
public record GatewayClusterConfig(
        @Bindable(defaultValue = "10s") Duration resync,

        @Bindable(defaultValue = "registry.pcg.io/pcg/gateway-agent")
        String agentRepository) {}
