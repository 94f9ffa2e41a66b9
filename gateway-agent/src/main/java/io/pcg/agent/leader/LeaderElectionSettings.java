package io.pcg.agent.leader;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Leader election among the agent's replicas in the gateway cluster, bound from {@code pcg.agent.leader-election.*}.
 * Off on the installer VM, where one agent runs; the agent's Deployment in the gateway cluster turns it on. The
 * defaults are client-go's and controller-runtime's.
 *
 * @param enabled       campaign for the Lease before acting; off: the agent always acts
 * @param lease         the Lease's name, in the IPAM namespace ({@code pcg.agent.ipam.namespace})
 * @param leaseDuration how long followers wait after the last renewal before they take over a silent leader's lease
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod   how often every replica tries to acquire or renew
 */
@ConfigurationProperties("pcg.agent.leader-election")
public record LeaderElectionSettings(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = DEFAULT_LEASE) String lease,
        @Bindable(defaultValue = "15s") Duration leaseDuration,
        @Bindable(defaultValue = "10s") Duration renewDeadline,
        @Bindable(defaultValue = "2s") Duration retryPeriod) {

    public static final String DEFAULT_LEASE = "pcg-agent";
}
