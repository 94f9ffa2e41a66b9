package io.pcg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** {@code pcg status}'s text, from the agent's {@code GET /status}. */
final class StatusView {

    /** The agent renews its certificate at 2/3 of a year's life; under this much left, something is wrong. */
    static final Duration CERTIFICATE_WARNING = Duration.ofDays(30);

    private static final String COLUMN = "%-24s %s%n";

    private StatusView() {}

    static String render(JsonNode status, Instant now) {
        StringBuilder text = new StringBuilder();
        JsonNode agent = Json.object(status, "agent");
        String phase = Json.text(agent, "phase");
        line(text, "Pairing", pairing(agent, phase));
        line(text, "Console", Json.text(agent, "consoleEndpoint") + " (" + describePhase(phase) + ")");
        if (!Json.text(agent, "problem").isEmpty()) {
            line(text, "Problem", Json.text(agent, "problem") + ": " + Json.text(agent, "message"));
            line(text, "What to do", Json.text(agent, "hint"));
        }
        line(text, "Last registered", time(Json.instant(agent, "lastRegisteredAt"), now, "never"));
        line(text, "Last heartbeat", time(Json.instant(agent, "lastHeartbeatAt"), now, "none yet"));
        line(text, "Client certificate", certificate(Json.instant(agent, "certificateExpiresAt"), now));
        String proxy = Json.text(status, "proxy");
        line(text, "Proxy", proxy.isEmpty() ? "none (direct connection)" : proxy);

        JsonNode gateway = Json.object(status, "gateway");
        if (gateway == null) {
            line(text, "Gateway cluster", "not reported yet");
        } else {
            String managedFrom = Json.text(gateway, "managementCluster");
            line(
                    text,
                    "Gateway cluster",
                    Json.text(gateway, "state")
                            + (managedFrom.isEmpty()
                                    ? ""
                                    : " (Cluster API objects on the " + managedFrom + " cluster)"));
            for (JsonNode condition : gateway.path("conditions")) {
                String reason = Json.text(condition, "reason");
                String message = Json.text(condition, "message");
                text.append(String.format(
                        "  %-22s %-7s %s%n",
                        Json.text(condition, "type"),
                        Json.text(condition, "status"),
                        reason + (message.isEmpty() ? "" : ": " + message)));
            }
            for (JsonNode node : gateway.path("nodes")) {
                text.append(String.format(
                        "  node %-17s %-7s %s %s%n",
                        Json.text(node, "name"),
                        node.path("ready").asBoolean() ? "Ready" : "NotReady",
                        Json.text(node, "ip"),
                        Json.text(node, "role")));
            }
        }
        health(text, Json.object(status, "health"), now);
        JsonNode management = Json.object(status, "managementCluster");
        if (management != null) {
            boolean known = management.path("known").asBoolean();
            boolean reachable = management.path("reachable").asBoolean();
            line(
                    text,
                    "Management cluster",
                    (!known ? "" : reachable ? "reachable: " : "UNREACHABLE: ") + Json.text(management, "detail"));
        }
        JsonNode vcenter = Json.object(status, "vcenter");
        if (vcenter == null) {
            line(text, "vCenter", "not configured yet");
        } else if (!Json.text(vcenter, "problem").isEmpty()) {
            line(text, "vCenter", "cannot read the stored account: " + Json.text(vcenter, "problem"));
        } else {
            String thumbprint = Json.text(vcenter, "thumbprint");
            line(
                    text,
                    "vCenter",
                    Json.text(vcenter, "server")
                            + (thumbprint.isEmpty() ? " (no pinned thumbprint)" : " pinned to " + thumbprint));
        }
        return text.toString();
    }

    private static void health(StringBuilder text, JsonNode health, Instant now) {
        if (health == null) {
            line(text, "Cluster health", "not checked yet (the agent checks once it manages a cluster)");
            return;
        }
        String source = "requests".equals(Json.text(health, "usageSource"))
                ? "; usage from the pods' requests (no metrics API)"
                : "";
        line(
                text,
                "Cluster health",
                Json.text(health, "verdict") + " (checked " + time(Json.instant(health, "observedAt"), now, "never")
                        + source + ")");
        for (JsonNode reason : health.path("reasons")) {
            String object = Json.text(reason, "object");
            text.append(String.format(
                    "  %-22s %s%s%n",
                    Json.text(reason, "reason"), object.isEmpty() ? "" : object + ": ", Json.text(reason, "message")));
        }
        text.append("  cluster ").append(usage(health.path("usage"))).append(System.lineSeparator());
        for (JsonNode node : health.path("nodes")) {
            StringBuilder conditions = new StringBuilder();
            for (JsonNode condition : node.path("conditions")) {
                conditions
                        .append(' ')
                        .append(Json.text(condition, "type"))
                        .append('=')
                        .append(Json.text(condition, "status"));
            }
            text.append(String.format(
                    "  node %s:%s; %s%n", Json.text(node, "name"), conditions, usage(node.path("usage"))));
        }
    }

    /** One line of usage: CPU in cores, memory in GiB, both with their share of the allocatable. */
    static String usage(JsonNode usage) {
        double cores = usage.path("cpuCores").asDouble();
        double memory = usage.path("memoryBytes").asDouble();
        return String.format(
                Locale.ROOT,
                "CPU %.2f of %.2f cores used%s, %.2f requested; memory %.2f of %.2f GiB used%s, %.2f GiB requested",
                usage.path("cpuUsageCores").asDouble(),
                cores,
                share(usage.path("cpuUsageCores").asDouble(), cores),
                usage.path("cpuRequestsCores").asDouble(),
                gib(usage.path("memoryUsageBytes").asDouble()),
                gib(memory),
                share(usage.path("memoryUsageBytes").asDouble(), memory),
                gib(usage.path("memoryRequestsBytes").asDouble()));
    }

    private static String share(double used, double total) {
        return total > 0 ? String.format(Locale.ROOT, " (%.0f%%)", 100 * used / total) : "";
    }

    private static double gib(double bytes) {
        return bytes / (1L << 30);
    }

    private static String pairing(JsonNode agent, String phase) {
        String gatewayId = Json.text(agent, "gatewayId");
        if (!gatewayId.isEmpty()) {
            return "paired as gateway " + gatewayId;
        }
        return "PAIRING".equals(phase) ? "pairing with the PIN" : "not paired";
    }

    private static String describePhase(String phase) {
        return switch (phase) {
            case "CONNECTED" -> "connected";
            case "STARTING" -> "agent starting";
            case "PAIRING" -> "pairing";
            case "CONNECTING" -> "connecting";
            case "RETRYING" -> "NOT CONNECTED, retrying";
            case "NEEDS_OPERATOR" -> "STOPPED, needs an operator";
            default -> phase;
        };
    }

    private static String certificate(Optional<Instant> expiresAt, Instant now) {
        if (expiresAt.isEmpty()) {
            return "none yet (issued by pairing)";
        }
        Duration left = Duration.between(now, expiresAt.get());
        if (left.isNegative()) {
            return "EXPIRED at " + expiresAt.get() + ": check the time (timedatectl), then pair again (docs/agent.md)";
        }
        String when = "expires " + expiresAt.get() + " (in " + left.toDays() + " days)";
        return left.compareTo(CERTIFICATE_WARNING) < 0
                ? when + ": renewal is overdue, check 'journalctl -u pcg-agent' for renewal warnings"
                : when;
    }

    private static String time(Optional<Instant> at, Instant now, String none) {
        return at.map(instant -> instant + " (" + ago(Duration.between(instant, now)) + ")")
                .orElse(none);
    }

    static String ago(Duration elapsed) {
        long seconds = Math.max(0, elapsed.toSeconds());
        if (seconds < 120) {
            return seconds + " s ago";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min ago";
        }
        return seconds / 3600 + " h ago";
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(COLUMN, label + ":", value));
    }
}
