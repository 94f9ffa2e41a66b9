package io.pcg.agent.health.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.health.UsageSource;
import java.util.List;
import java.util.Optional;

/**
 * Usage from the cluster itself: metrics.k8s.io (metrics-server) when the cluster serves it, else the pods' requests
 * stand in for usage. Either way capacity is the nodes' allocatable and requests are the pods'.
 */
public final class KubeUsageSource implements UsageSource {

    @Override
    public Usage read(KubernetesClient client, List<Node> nodes) {
        Optional<List<NodeMetrics>> metrics = client.supports(NodeMetrics.class)
                ? Optional.of(client.top().nodes().metrics().getItems())
                : Optional.empty();
        return new Usage(
                metrics.isPresent() ? METRICS : REQUESTS,
                UsageMath.byNode(nodes, client.pods().inAnyNamespace().list().getItems(), metrics));
    }
}
