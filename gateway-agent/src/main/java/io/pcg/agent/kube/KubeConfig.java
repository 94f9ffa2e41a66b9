package io.pcg.agent.kube;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the agent reaches its management cluster, bound from {@code pcg.agent.kube.*}.
 *
 * @param kubeconfig     kubeconfig of the management cluster (the local bootstrap cluster, then the gateway
 *                       cluster after the pivot); absent means fabric8's usual discovery (in-cluster service
 *                       account, {@code KUBECONFIG}, {@code ~/.kube/config})
 * @param requestTimeout timeout of one API request
 * @param maxConcurrentRequests requests in flight at once; fabric8's default of 5 would queue the IPAM workers and
 *                       the controllers' writes behind each other
 */
@ConfigurationProperties("pcg.agent.kube")
public record KubeConfig(
        @Nullable Path kubeconfig,
        @Bindable(defaultValue = DEFAULT_REQUEST_TIMEOUT) Duration requestTimeout,
        @Bindable(defaultValue = DEFAULT_MAX_CONCURRENT_REQUESTS) int maxConcurrentRequests) {

    public static final String DEFAULT_REQUEST_TIMEOUT = "30s";
    public static final String DEFAULT_MAX_CONCURRENT_REQUESTS = "32";

    /** The settings of a management cluster reached through {@code kubeconfig}, defaults otherwise. */
    public static KubeConfig of(Path kubeconfig) {
        return new KubeConfig(kubeconfig, Duration.parse("PT" + DEFAULT_REQUEST_TIMEOUT.toUpperCase()),
                Integer.parseInt(DEFAULT_MAX_CONCURRENT_REQUESTS));
    }
}
