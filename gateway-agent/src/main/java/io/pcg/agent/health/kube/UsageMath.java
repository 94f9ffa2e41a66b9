package io.pcg.agent.health.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.pcg.proto.v1.ResourceUsage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Per-node usage from what the API server holds: capacity is the node's allocatable, requests are those of the pods
 * scheduled on it that still run, and usage is the metrics API's figure when there is one, else the requests. Pure.
 */
public final class UsageMath {

    private static final String CPU = "cpu";
    private static final String MEMORY = "memory";

    private UsageMath() {}

    /**
     * @param metrics the metrics API's node figures; empty when the API is not served
     */
    public static Map<String, ResourceUsage> byNode(
            List<Node> nodes, List<Pod> pods, Optional<List<NodeMetrics>> metrics) {
        Map<String, double[]> requests = new HashMap<>();
        for (Pod pod : pods) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if (node == null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            double[] sums = requests.computeIfAbsent(node, n -> new double[2]);
            sums[0] += podRequest(pod, CPU);
            sums[1] += podRequest(pod, MEMORY);
        }
        Map<String, NodeMetrics> used = new HashMap<>();
        metrics.ifPresent(list -> list.forEach(m -> used.put(m.getMetadata().getName(), m)));
        Map<String, ResourceUsage> byNode = new LinkedHashMap<>();
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            double[] requested = requests.getOrDefault(name, new double[2]);
            Map<String, Quantity> allocatable =
                    node.getStatus() == null ? null : node.getStatus().getAllocatable();
            ResourceUsage.Builder usage = ResourceUsage.newBuilder()
                    .setCpuCores(amount(allocatable, CPU))
                    .setMemoryBytes((long) amount(allocatable, MEMORY))
                    .setCpuRequestsCores(requested[0])
                    .setMemoryRequestsBytes((long) requested[1]);
            if (metrics.isPresent()) {
                NodeMetrics figures = used.get(name);
                Map<String, Quantity> now = figures == null ? null : figures.getUsage();
                usage.setCpuUsageCores(amount(now, CPU)).setMemoryUsageBytes((long) amount(now, MEMORY));
            } else {
                usage.setCpuUsageCores(requested[0]).setMemoryUsageBytes((long) requested[1]);
            }
            byNode.put(name, usage.build());
        }
        return byNode;
    }

    /** The cluster's usage: the sum over its nodes. */
    public static ResourceUsage total(Iterable<ResourceUsage> nodes) {
        ResourceUsage.Builder sum = ResourceUsage.newBuilder();
        for (ResourceUsage node : nodes) {
            sum.setCpuCores(sum.getCpuCores() + node.getCpuCores())
                    .setCpuUsageCores(sum.getCpuUsageCores() + node.getCpuUsageCores())
                    .setCpuRequestsCores(sum.getCpuRequestsCores() + node.getCpuRequestsCores())
                    .setMemoryBytes(sum.getMemoryBytes() + node.getMemoryBytes())
                    .setMemoryUsageBytes(sum.getMemoryUsageBytes() + node.getMemoryUsageBytes())
                    .setMemoryRequestsBytes(sum.getMemoryRequestsBytes() + node.getMemoryRequestsBytes());
        }
        return sum.build();
    }

    /** As the scheduler counts it: the larger of the containers' sum and the largest init container. */
    private static double podRequest(Pod pod, String resource) {
        Function<Container, Double> request = container -> container.getResources() == null
                ? 0
                : amount(container.getResources().getRequests(), resource);
        double containers = pod.getSpec().getContainers().stream()
                .mapToDouble(request::apply)
                .sum();
        double init = pod.getSpec().getInitContainers().stream()
                .mapToDouble(request::apply)
                .max()
                .orElse(0);
        return Math.max(containers, init);
    }

    private static double amount(Map<String, Quantity> quantities, String resource) {
        Quantity quantity = quantities == null ? null : quantities.get(resource);
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).doubleValue();
    }
}
