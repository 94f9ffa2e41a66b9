package io.pcg.agent.health;

import com.google.protobuf.Timestamp;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.agent.events.SafeText;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.proxy.ProxyUrl;
import io.pcg.proto.v1.ClusterHealth;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.HealthVerdict;
import io.pcg.proto.v1.ResourceUsage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /status} on the 127.0.0.1 management port: everything {@code pcg status} shows, read-only. Always 200
 * (unlike {@code /health/agent}): the answer describes a problem, it is not one.
 */
@Controller("/status")
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
@ExecuteOn(TaskExecutors.BLOCKING)
@SerdeImport(AgentStatus.Snapshot.class)
public class ManagementStatusController {

    private static final String STATE_PREFIX = "CLUSTER_STATE_";
    private static final String CONDITION_PREFIX = "CONDITION_STATUS_";

    private final AgentStatus agent;
    private final ProxySettings siteProxy;
    private final ClusterStatusReporter cluster;
    private final ManagementCluster managementCluster;
    private final CloudAccountStore accounts;
    private final HealthMonitor health;

    public ManagementStatusController(
            AgentStatus agent,
            ProxySettings siteProxy,
            ClusterStatusReporter cluster,
            ManagementCluster managementCluster,
            CloudAccountStore accounts,
            HealthMonitor health) {
        this.agent = agent;
        this.siteProxy = siteProxy;
        this.cluster = cluster;
        this.managementCluster = managementCluster;
        this.accounts = accounts;
        this.health = health;
    }

    @Get
    public ManagementStatus status() {
        AgentStatus.Snapshot snapshot = agent.snapshot();
        return new ManagementStatus(
                snapshot,
                proxyFor(snapshot.consoleEndpoint()),
                cluster.latest().map(ManagementStatusController::gateway).orElse(null),
                managementCluster(),
                vcenter(),
                health.latest().map(ManagementStatusController::health).orElse(null));
    }

    /** ProxyUrl prints itself with the password redacted. */
    private String proxyFor(String consoleEndpoint) {
        try {
            return siteProxy
                    .proxyFor("https", ConsoleEndpoint.parse(consoleEndpoint).host())
                    .map(ProxyUrl::toString)
                    .orElse("");
        } catch (IllegalArgumentException e) {
            // The link reports the invalid endpoint as its problem; which proxy would apply is moot.
            return "";
        }
    }

    private static ManagementStatus.Gateway gateway(ClusterStatus status) {
        return new ManagementStatus.Gateway(
                status.getState().name().substring(STATE_PREFIX.length()),
                status.getManagementCluster(),
                instant(status.getObservedAt()),
                conditions(status.getConditionsList()),
                status.getNodesList().stream()
                        .map(node -> new ManagementStatus.Node(
                                node.getName(), node.getIp(), node.getRole(), node.getReady()))
                        .toList());
    }

    private static ManagementStatus.Health health(ClusterHealth health) {
        return new ManagementStatus.Health(
                health.getVerdict() == HealthVerdict.HEALTH_VERDICT_HEALTHY ? "Healthy" : "Unhealthy",
                health.getReasonsList().stream()
                        .map(reason -> new ManagementStatus.Reason(
                                reason.getReason(), reason.getObject(), reason.getMessage()))
                        .toList(),
                health.getUsageSource(),
                usage(health.getUsage()),
                health.getNodesList().stream()
                        .map(node -> new ManagementStatus.NodeHealth(
                                node.getName(), conditions(node.getConditionsList()), usage(node.getUsage())))
                        .toList(),
                health.getHistoryList().stream()
                        .map(sample -> new ManagementStatus.Sample(instant(sample.getTime()), usage(sample.getUsage())))
                        .toList(),
                instant(health.getObservedAt()));
    }

    private static ManagementStatus.Usage usage(ResourceUsage usage) {
        return new ManagementStatus.Usage(
                usage.getCpuCores(),
                usage.getCpuUsageCores(),
                usage.getCpuRequestsCores(),
                usage.getMemoryBytes(),
                usage.getMemoryUsageBytes(),
                usage.getMemoryRequestsBytes());
    }

    private static List<ManagementStatus.Condition> conditions(List<Condition> conditions) {
        return conditions.stream()
                .map(condition -> new ManagementStatus.Condition(
                        condition.getType(),
                        capitalized(condition.getStatus().name().substring(CONDITION_PREFIX.length())),
                        condition.getReason(),
                        condition.getMessage(),
                        instant(condition.getLastTransitionTime())))
                .toList();
    }

    private ManagementStatus.ManagementCluster managementCluster() {
        if (!managementCluster.isKnown()) {
            return new ManagementStatus.ManagementCluster(
                    false, false, "none yet: the agent creates it after \"Configure\"");
        }
        try {
            return new ManagementStatus.ManagementCluster(
                    true,
                    true,
                    "Kubernetes "
                            + managementCluster.client().getKubernetesVersion().getGitVersion());
        } catch (RuntimeException e) {
            return new ManagementStatus.ManagementCluster(true, false, SafeText.of(String.valueOf(e.getMessage())));
        }
    }

    private ManagementStatus.Vcenter vcenter() {
        try {
            Optional<CloudAccount> account = accounts.defaultAccount();
            return account.map(a -> new ManagementStatus.Vcenter(a.server(), a.thumbprint(), ""))
                    .orElse(null);
        } catch (OperatorException e) {
            return new ManagementStatus.Vcenter("", "", e.code() + ": " + e.getMessage() + " " + e.hint());
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp.getSeconds() == 0 && timestamp.getNanos() == 0
                ? null
                : Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static String capitalized(String upper) {
        return upper.charAt(0) + upper.substring(1).toLowerCase();
    }
}
