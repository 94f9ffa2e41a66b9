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
 * @param applyRetryFor  how long {@link ManifestApplier} retries an object whose apply failed in a way a moment may
 *                       cure (API server restarting or overloaded, a concurrent write) before the step fails
 */
@ConfigurationProperties("pcg.agent.kube")
public record KubeConfig(
        @Nullable Path kubeconfig,
        @Bindable(defaultValue = DEFAULT_REQUEST_TIMEOUT) Duration requestTimeout,

        @Bindable(defaultValue = DEFAULT_MAX_CONCURRENT_REQUESTS)
        int maxConcurrentRequests,

        @Bindable(defaultValue = DEFAULT_APPLY_RETRY_FOR) Duration applyRetryFor) {

    public static final String DEFAULT_REQUEST_TIMEOUT = "30s";
    public static final String DEFAULT_MAX_CONCURRENT_REQUESTS = "32";
    /** Longer than a kube-apiserver restart takes, short enough that a cluster gone for good fails the step soon. */
    public static final String DEFAULT_APPLY_RETRY_FOR = "30s";

    /** The settings of a management cluster reached through {@code kubeconfig}, defaults otherwise. */
    public static KubeConfig of(Path kubeconfig) {
        return new KubeConfig(
                kubeconfig,
                duration(DEFAULT_REQUEST_TIMEOUT),
                Integer.parseInt(DEFAULT_MAX_CONCURRENT_REQUESTS),
                defaultApplyRetryFor());
    }

    public static Duration defaultApplyRetryFor() {
        return duration(DEFAULT_APPLY_RETRY_FOR);
    }

    private static Duration duration(String seconds) {
        return Duration.parse("PT" + seconds.toUpperCase());
    }
}
