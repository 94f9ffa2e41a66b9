package io.pcg.agent.ipam;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * IP address management settings, bound from {@code pcg.agent.ipam.*}.
 *
 * @param namespace          namespace of the pools, claims and addresses on the management cluster (the clusters'
 *                           namespace: a claim finds its pool in its own namespace)
 * @param workers            claims reconciled in parallel
 * @param reuseGracePeriod   how long a released address stays out of circulation (ARP caches, DNS records);
 *                           zero hands it out again at once
 * @param pendingRetry       safety-net retry of claims waiting on an exhausted pool; they are woken as soon as an
 *                           address is freed, this only covers a missed event
 */
@ConfigurationProperties("pcg.agent.ipam")
public record IpamConfig(
        @Bindable(defaultValue = DEFAULT_NAMESPACE) String namespace,
        @Bindable(defaultValue = "8") int workers,
        @Bindable(defaultValue = "0s") Duration reuseGracePeriod,
        @Bindable(defaultValue = "60s") Duration pendingRetry) {

    public static final String DEFAULT_NAMESPACE = "pcg-system";

    public static IpamConfig defaults(String namespace) {
        return new IpamConfig(namespace, 8, Duration.ZERO, Duration.ofSeconds(60));
    }

    public IpamConfig withWorkers(int count) {
        return new IpamConfig(namespace, count, reuseGracePeriod, pendingRetry);
    }

    public IpamConfig withReuseGracePeriod(Duration grace) {
        return new IpamConfig(namespace, workers, grace, pendingRetry);
    }
}
