package io.pcg.agent.state;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the agent's state lives, bound from {@code pcg.agent.state.*}.
 *
 * @param inCluster  keep the state in the management cluster from the start: the agent's replicas in the gateway
 *                   cluster (their Deployment sets it); the installer VM's agent moves its state there at the pivot
 * @param secretName the Secret that holds it, in the IPAM namespace ({@code pcg.agent.ipam.namespace})
 */
@ConfigurationProperties("pcg.agent.state")
public record StateSettings(
        @Bindable(defaultValue = "false") boolean inCluster,
        @Bindable(defaultValue = DEFAULT_SECRET) String secretName) {

    public static final String DEFAULT_SECRET = "pcg-agent-state";
}
