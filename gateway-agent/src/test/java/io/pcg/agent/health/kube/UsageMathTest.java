package io.pcg.agent.health.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.pcg.proto.v1.ResourceUsage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageMathTest {

    private static final List<Node> NODES = List.of(node("n1", "4", "8Gi"), node("n2", "2", "4Gi"));
    private static final List<Pod> PODS = List.of(
            pod("a", "n1", "Running", "500m", "1Gi", null, null),
            pod("b", "n1", "Pending", "250m", "512Mi", null, null),
            // An init container asking more than the containers sets the pod's request.
            pod("c", "n2", "Running", "100m", "128Mi", "1", "1Gi"),
            pod("done", "n1", "Succeeded", "2", "2Gi", null, null),
            pod("failed", "n2", "Failed", "2", "2Gi", null, null),
            pod("unscheduled", null, "Pending", "2", "2Gi", null, null));

    @Test
    void withoutTheMetricsApiUsageIsTheRequestsOfRunningPods() {
        Map<String, ResourceUsage> usage = UsageMath.byNode(NODES, PODS, Optional.empty());

        assertThat(usage.get("n1"))
                .isEqualTo(ResourceUsage.newBuilder()
                        .setCpuCores(4)
                        .setMemoryBytes(8L << 30)
                        .setCpuRequestsCores(0.75)
                        .setMemoryRequestsBytes(1536L << 20)
                        .setCpuUsageCores(0.75)
                        .setMemoryUsageBytes(1536L << 20)
                        .build());
        assertThat(usage.get("n2"))
                .isEqualTo(ResourceUsage.newBuilder()
                        .setCpuCores(2)
                        .setMemoryBytes(4L << 30)
                        .setCpuRequestsCores(1)
                        .setMemoryRequestsBytes(1L << 30)
                        .setCpuUsageCores(1)
                        .setMemoryUsageBytes(1L << 30)
                        .build());
        assertThat(UsageMath.total(usage.values()))
                .isEqualTo(ResourceUsage.newBuilder()
                        .setCpuCores(6)
                        .setMemoryBytes(12L << 30)
                        .setCpuRequestsCores(1.75)
                        .setMemoryRequestsBytes(2560L << 20)
                        .setCpuUsageCores(1.75)
                        .setMemoryUsageBytes(2560L << 20)
                        .build());
    }

    @Test
    void withTheMetricsApiUsageIsWhatItMeasured() {
        NodeMetrics n1 = new NodeMetricsBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withUsage(Map.of("cpu", new Quantity("1500m"), "memory", new Quantity("3Gi")))
                .build();

        Map<String, ResourceUsage> usage = UsageMath.byNode(NODES, PODS, Optional.of(List.of(n1)));

        assertThat(usage.get("n1").getCpuUsageCores()).isEqualTo(1.5);
        assertThat(usage.get("n1").getMemoryUsageBytes()).isEqualTo(3L << 30);
        assertThat(usage.get("n1").getCpuRequestsCores()).isEqualTo(0.75);
        // The metrics API has no figure for n2 (yet): its usage is unknown, not its requests.
        assertThat(usage.get("n2").getCpuUsageCores()).isZero();
        assertThat(usage.get("n2").getCpuRequestsCores()).isEqualTo(1);
    }

    private static Node node(String name, String cpu, String memory) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endStatus()
                .build();
    }

    private static Pod pod(
            String name, String node, String phase, String cpu, String memory, String initCpu, String initMemory) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("main")
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endResources()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus();
        if (initCpu != null) {
            pod.editSpec()
                    .addNewInitContainer()
                    .withName("init")
                    .withNewResources()
                    .withRequests(Map.of("cpu", new Quantity(initCpu), "memory", new Quantity(initMemory)))
                    .endResources()
                    .endInitContainer()
                    .endSpec();
        }
        return pod.build();
    }
}
