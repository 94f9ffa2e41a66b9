package io.pcg.agent.health;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.proto.v1.ResourceUsage;
import java.util.List;
import java.util.Map;

/**
 * Where the nodes' usage comes from. The agent reads it from the cluster ({@code health.kube.KubeUsageSource}); tests
 * feed their own figures.
 */
public interface UsageSource {

    /** Usage read from metrics.k8s.io. */
    String METRICS = "metrics";
    /** No metrics API: usage stands in as the pods' requests. */
    String REQUESTS = "requests";

    /**
     * @param source {@link #METRICS} or {@link #REQUESTS}
     * @param byNode each node's usage, by node name; nodes missing here count as unknown (zero)
     */
    record Usage(String source, Map<String, ResourceUsage> byNode) {}

    /** The usage of {@code nodes}, read through {@code client}; throws what the client throws. */
    Usage read(KubernetesClient client, List<Node> nodes);
}
