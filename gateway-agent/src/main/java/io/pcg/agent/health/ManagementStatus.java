package io.pcg.agent.health;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /status} on the management port answers ({@code pcg status} and {@code pcg doctor} read it): the
 * agent's link to the console, the proxy it uses, the gateway cluster as last reported to the console, whether the
 * management cluster answers, and the vCenter the gateway is pinned to. No secret: the proxy is shown with its
 * password redacted, the vCenter without its account.
 *
 * @param agent             the console link, as {@code GET /health/agent} shows it
 * @param proxy             the proxy the agent reaches the console through ({@code http://user:<redacted>@host:port}),
 *                          empty when it connects directly
 * @param gateway           the gateway cluster as last reported; null before the first report
 * @param managementCluster whether the cluster the agent manages from answers
 * @param vcenter           the gateway's vCenter; null before "Configure"
 * @param health            the managed cluster's health as last sent to the console; null before the first check
 *                          with a management cluster
 */
@Serdeable
public record ManagementStatus(
        AgentStatus.Snapshot agent,
        String proxy,
        Gateway gateway,
        ManagementCluster managementCluster,
        Vcenter vcenter,
        Health health) {

    /**
     * @param verdict     Healthy or Unhealthy
     * @param reasons     why it is unhealthy; empty when healthy
     * @param usageSource "metrics" (metrics.k8s.io) or "requests" (usage stands in as the pods' requests)
     * @param usage       the whole cluster's usage now
     * @param history     the cluster's recent usage, oldest first
     */
    @Serdeable
    public record Health(
            String verdict,
            List<Reason> reasons,
            String usageSource,
            Usage usage,
            List<NodeHealth> nodes,
            List<Sample> history,
            Instant observedAt) {}

    /** @param object {@code node/<name>}, or empty for the whole cluster */
    @Serdeable
    public record Reason(String reason, String object, String message) {}

    /** CPU in cores, memory in bytes; capacity is the allocatable. */
    @Serdeable
    public record Usage(
            double cpuCores,
            double cpuUsageCores,
            double cpuRequestsCores,
            long memoryBytes,
            long memoryUsageBytes,
            long memoryRequestsBytes) {}

    @Serdeable
    public record NodeHealth(String name, List<Condition> conditions, Usage usage) {}

    @Serdeable
    public record Sample(Instant time, Usage usage) {}

    /**
     * @param state             PENDING, PROVISIONING, RUNNING, FAILED or RESETTING
     * @param managementCluster where the Cluster API objects live: "bootstrap", "gateway" or empty
     */
    @Serdeable
    public record Gateway(
            String state, String managementCluster, Instant observedAt, List<Condition> conditions, List<Node> nodes) {}

    /** @param status True, False or Unknown */
    @Serdeable
    public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {}

    @Serdeable
    public record Node(String name, String ip, String role, boolean ready) {}

    /**
     * @param known     false before "Configure": the agent has no management cluster yet
     * @param reachable the API server answered just now
     * @param detail    its version when it answered, why not otherwise
     */
    @Serdeable
    public record ManagementCluster(boolean known, boolean reachable, String detail) {}

    /**
     * @param server     host[:port] as configured
     * @param thumbprint the certificate fingerprint the agent pins (SHA-256 or SHA-1, {@code AB:CD:...}); empty when none
     * @param problem    why the stored account could not be read, else empty
     */
    @Serdeable
    public record Vcenter(String server, String thumbprint, String problem) {}
}
