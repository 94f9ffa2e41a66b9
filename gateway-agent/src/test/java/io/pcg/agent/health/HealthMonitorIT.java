package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.events.EventsConfig;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.proto.v1.ClusterHealth;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.HealthReason;
import io.pcg.proto.v1.HealthVerdict;
import io.pcg.proto.v1.ResourceUsage;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against a real API server's Node, with usage fed by the test (the {@link UsageSource} seam) and a clock
 * moved by hand, one check at a time: usage over its threshold makes the cluster Unhealthy only once it stayed there
 * for the period, the history stays bounded, missing heartbeats count, and every change of verdict is one event.
 */
@ExtendWith(KubeApiServerExtension.class)
class HealthMonitorIT {

    private static final String NODE = "health-monitor-node-0";
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    /** CPU and memory over 90 % for 2 minutes; 10 samples of 30 s cover it. */
    private static final HealthConfig CONFIG = new HealthConfig(
            INTERVAL, Duration.ofSeconds(60), 90, Duration.ofMinutes(2), 90, Duration.ofMinutes(2), 10);

    @TempDir
    Path tmp;

    @Test
    void usageOverItsThresholdForThePeriodThenMissingHeartbeatsAreEachUnhealthyWithAnEvent(KubeApiServer kube) {
        KubernetesClient client = kube.client();
        createReadyNode(client);
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        AtomicReference<ResourceUsage> fed = new AtomicReference<>(usage(0.5));
        UsageSource usage = (c, nodes) -> new UsageSource.Usage(
                UsageSource.METRICS, Map.of(nodes.get(0).getMetadata().getName(), fed.get()));
        AgentStatus agent = new AgentStatus("https://console.example.com", clock);
        try (ManagementCluster cluster = new ManagementCluster(KubeConfig.of(kube.kubeconfig()));
                EventPublisher events = new EventPublisher(new EventsConfig(100), clock, tmp.resolve("events.log"));
                HealthMonitor monitor = new HealthMonitor(CONFIG, cluster, usage, agent, events, "gw-1", clock)) {
            checkAt(monitor, agent, clock);
            assertThat(monitor.latest().orElseThrow().getVerdict()).isEqualTo(HealthVerdict.HEALTH_VERDICT_HEALTHY);
            assertThat(monitor.latest().orElseThrow().getUsageSource()).isEqualTo("metrics");

            fed.set(usage(0.95));
            for (int check = 1; check <= 4; check++) {
                checkAt(monitor, agent, clock);
                assertThat(monitor.latest().orElseThrow().getVerdict())
                        .as("over for " + 30 * (check - 1) + " s")
                        .isEqualTo(HealthVerdict.HEALTH_VERDICT_HEALTHY);
            }
            checkAt(monitor, agent, clock);
            ClusterHealth high = monitor.latest().orElseThrow();
            assertThat(high.getReasonsList())
                    .extracting(HealthReason::getReason)
                    .containsExactly(HealthEvaluator.CPU_USAGE_HIGH);
            assertThat(high.getUsage().getCpuUsageCores()).isEqualTo(3.8);
            assertThat(high.getNodes(0).getName()).isEqualTo(NODE);
            for (int check = 0; check < 10; check++) {
                checkAt(monitor, agent, clock);
            }
            assertThat(monitor.latest().orElseThrow().getHistoryCount())
                    .as("the ring keeps history-size samples")
                    .isEqualTo(10);

            fed.set(usage(0.5));
            checkAt(monitor, agent, clock);
            assertThat(monitor.latest().orElseThrow().getVerdict()).isEqualTo(HealthVerdict.HEALTH_VERDICT_HEALTHY);

            // No heartbeat for 90 s: two checks without one.
            clock.advance(INTERVAL);
            monitor.check();
            clock.advance(Duration.ofSeconds(60));
            monitor.check();
            assertThat(monitor.latest().orElseThrow().getReasonsList())
                    .extracting(HealthReason::getReason)
                    .containsExactly(HealthEvaluator.HEARTBEAT_MISSING);

            assertThat(events.recentAfter(0))
                    .extracting(Event::getReason, Event::getObject)
                    .containsExactly(
                            tuple(HealthMonitor.UNHEALTHY, "gateway/gw-1"),
                            tuple(HealthMonitor.HEALTHY, "gateway/gw-1"),
                            tuple(HealthMonitor.UNHEALTHY, "gateway/gw-1"));
            assertThat(events.recentAfter(0).get(0).getMessage())
                    .startsWith("the cluster is unhealthy: CpuUsageHigh: CPU usage has stayed above 90%");
        } finally {
            client.nodes().withName(NODE).delete();
        }
    }

    /** The next check, an interval after the last, with a heartbeat just sent. */
    private static void checkAt(HealthMonitor monitor, AgentStatus agent, MutableClock clock) {
        clock.advance(INTERVAL);
        agent.heartbeat(clock.instant());
        monitor.check();
    }

    private static ResourceUsage usage(double cpuShare) {
        return ResourceUsage.newBuilder()
                .setCpuCores(4)
                .setCpuUsageCores(4 * cpuShare)
                .setMemoryBytes(8L << 30)
                .setMemoryUsageBytes(1L << 30)
                .build();
    }

    private static void createReadyNode(KubernetesClient client) {
        Node node = client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(NODE)
                        .endMetadata()
                        .build())
                .create();
        node.setStatus(new NodeStatusBuilder()
                .withConditions(new NodeConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("KubeletReady")
                        .withLastTransitionTime(Instant.now().toString())
                        .build())
                .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
                .build());
        client.nodes().resource(node).updateStatus();
    }
}
