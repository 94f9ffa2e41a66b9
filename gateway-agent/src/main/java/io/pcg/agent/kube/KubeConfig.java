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
 */
@ConfigurationProperties("pcg.agent.kube")
public record KubeConfig(
        @Nullable Path kubeconfig,
        @Bindable(defaultValue = DEFAULT_REQUEST_TIMEOUT) Duration requestTimeout) {

    public static final String DEFAULT_REQUEST_TIMEOUT = "30s";
}
