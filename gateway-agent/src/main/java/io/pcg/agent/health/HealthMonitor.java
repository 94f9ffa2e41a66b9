package io.pcg.agent.health;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.events.SafeText;
import io.pcg.agent.health.kube.NodeConditions;
import io.pcg.agent.health.kube.UsageMath;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.link.LatestSender;
import io.pcg.agent.link.Upstream;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ClusterHealth;
import io.pcg.proto.v1.HealthReason;
import io.pcg.proto.v1.HealthVerdict;
import io.pcg.proto.v1.NodeHealth;
import io.pcg.proto.v1.ResourceUsage;
import io.pcg.proto.v1.UsageSample;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the health of the cluster the agent manages (the bootstrap cluster before the pivot, the gateway cluster
 * after it, as {@link ManagementCluster} follows it): every {@link HealthConfig#interval()} it reads the nodes'
 * conditions and usage, keeps the cluster's usage in a {@link UsageHistory}, judges the verdict with
 * {@link HealthEvaluator}, sends the whole picture to the console, and publishes an event when the verdict or its
 * reasons change. Before the agent has a management cluster there is nothing to watch and no health.
 */
public final class HealthMonitor implements AutoCloseable {

    public static final String UNHEALTHY = "ClusterUnhealthy";
    public static final String HEALTHY = "ClusterHealthy";

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final HealthConfig config;
    private final ManagementCluster cluster;
    private final UsageSource usage;
    private final AgentStatus agent;
    private final EventPublisher events;
    private final String object;
    private final Clock clock;
    private final UsageHistory history;
    private final Instant watchingSince;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pcg-health");
        thread.setDaemon(true);
        return thread;
    });
    /** Guarded by this. */
    private ClusterHealth latest;

    private final LatestSender sender = new LatestSender();

    /** @param clusterName the gateway's name, for the events' object ({@code gateway/<name>}) */
    public HealthMonitor(
            HealthConfig config,
            ManagementCluster cluster,
            UsageSource usage,
            AgentStatus agent,
            EventPublisher events,
            String clusterName,
            Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.usage = usage;
        this.agent = agent;
        this.events = events;
        this.object = "gateway/" + clusterName;
        this.clock = clock;
        this.history = new UsageHistory(config.historySize());
        this.watchingSince = clock.instant();
    }

    public void start() {
        long every = config.interval().toMillis();
        checker.scheduleWithFixedDelay(this::checkQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    /** What the console link tells about its streams: the latest health goes to every stream that registers. */
    public Upstream.Subscriber subscriber() {
        return sender;
    }

    /** The latest health, as sent to the console; empty before the first check with a management cluster. */
    public synchronized Optional<ClusterHealth> latest() {
        return Optional.ofNullable(latest);
    }

    /** One check: read, judge, report. Runs on the monitor's thread; public for tests that drive it by hand. */
    public void check() {
        if (!cluster.isKnown()) {
            return;
        }
        Instant now = clock.instant();
        List<NodeHealth> nodes = new ArrayList<>();
        String problem = null;
        String source = "";
        KubernetesClient client = cluster.client();
        try {
            List<Node> read = client.nodes().list().getItems();
            UsageSource.Usage used = usage.read(client, read);
            source = used.source();
            for (Node node : read) {
                String name = node.getMetadata().getName();
                nodes.add(NodeHealth.newBuilder()
                        .setName(name)
                        .addAllConditions(NodeConditions.of(node))
                        .setUsage(used.byNode().getOrDefault(name, ResourceUsage.getDefaultInstance()))
                        .build());
            }
            history.add(UsageSample.newBuilder()
                    .setTime(EventPublisher.timestamp(now))
                    .setUsage(UsageMath.total(
                            nodes.stream().map(NodeHealth::getUsage).toList()))
                    .build());
        } catch (KubernetesClientException e) {
            problem = SafeText.of(String.valueOf(e.getMessage()));
            nodes.clear();
        }
        List<UsageSample> samples = history.samples();
        HealthEvaluator.Verdict verdict = HealthEvaluator.evaluate(
                new HealthEvaluator.Input(
                        now, agent.snapshot().lastHeartbeatAt(), watchingSince, problem, nodes, samples),
                config);
        ClusterHealth health = ClusterHealth.newBuilder()
                .setVerdict(verdict.verdict())
                .addAllReasons(verdict.reasons())
                .setUsage(
                        samples.isEmpty() || problem != null
                                ? ResourceUsage.getDefaultInstance()
                                : samples.get(samples.size() - 1).getUsage())
                .addAllNodes(nodes)
                .addAllHistory(samples)
                .setUsageSource(source)
                .setObservedAt(EventPublisher.timestamp(now))
                .build();
        report(health);
    }

    private synchronized void report(ClusterHealth health) {
        ClusterHealth before = latest;
        latest = health;
        sender.send(AgentMessage.newBuilder().setClusterHealth(health).build());
        announceChange(before, health);
    }

    /** An event when the verdict changes, and when an unhealthy cluster's reasons do. */
    private void announceChange(ClusterHealth before, ClusterHealth now) {
        Map<String, String> reasons = keyed(now);
        if (now.getVerdict() == HealthVerdict.HEALTH_VERDICT_UNHEALTHY) {
            if (before == null || !keyed(before).keySet().equals(reasons.keySet())) {
                String message = "the cluster is unhealthy: "
                        + reasons.entrySet().stream()
                                .map(reason -> reason.getKey() + ": " + reason.getValue())
                                .collect(Collectors.joining("; "));
                LOG.warn("{}", message);
                events.warning(UNHEALTHY, object, message);
            }
        } else if (before != null && before.getVerdict() == HealthVerdict.HEALTH_VERDICT_UNHEALTHY) {
            String message = "the cluster is healthy again (was: "
                    + String.join(", ", keyed(before).keySet()) + ")";
            LOG.info("{}", message);
            events.info(HEALTHY, object, message);
        }
    }

    private static Map<String, String> keyed(ClusterHealth health) {
        return health.getReasonsList().stream()
                .collect(Collectors.toMap(
                        reason -> reason.getReason() + (reason.getObject().isEmpty() ? "" : " " + reason.getObject()),
                        HealthReason::getMessage,
                        (a, b) -> a,
                        LinkedHashMap::new));
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // The next check tries again; a scheduled task that throws would never run again.
            LOG.warn("health check failed ({}); retrying in {}", e.getClass().getSimpleName(), config.interval());
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
