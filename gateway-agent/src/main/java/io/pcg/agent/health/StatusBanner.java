package io.pcg.agent.health;

import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.common.files.AtomicFiles;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.ConditionStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent's state in a file that agetty shows in the VM console's login banner ({@code /etc/issue.d/}), so an
 * operator looking at the vSphere web console sees whether the gateway paired and, if not, why and what to do, and
 * how far the gateway cluster got: once it runs and manages itself, that this installer VM can be powered off.
 * The installer's {@code /etc/issue} holds the static facts (name, IP, console); this file holds what changes.
 * Text comes from {@link AgentStatus}, which never holds a secret.
 */
public final class StatusBanner implements AutoCloseable {

    static final long REFRESH_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StatusBanner.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final AgentStatus status;
    private final ClusterStatusReporter cluster;
    private final Path file;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "status-banner");
        thread.setDaemon(true);
        return thread;
    });
    private String written = "";

    public StatusBanner(AgentStatus status, ClusterStatusReporter cluster, Path file) {
        this.status = status;
        this.cluster = cluster;
        this.file = file;
    }

    public void start() {
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    /** Rewrites the file when the text changed; a failure is logged and tried again at the next refresh. */
    void refresh() {
        String text = render(status.snapshot(), cluster.latest());
        if (text.equals(written)) {
            return;
        }
        try {
            AtomicFiles.write(file, text, AtomicFiles.WORLD_READABLE);
            written = text;
        } catch (IOException e) {
            LOG.warn("cannot update the console banner {}: {}", file, e.toString());
        }
    }

    static String render(AgentStatus.Snapshot state, Optional<ClusterStatus> gatewayCluster) {
        String since = state.since() == null ? "" : " since " + TIME.format(state.since());
        String line = switch (state.phase()) {
            case STARTING -> "starting";
            case PAIRING -> "pairing with the console using the pairing code" + since;
            case CONNECTING -> "connecting to the console" + since;
            case CONNECTED -> "paired and online as " + state.gatewayId() + since;
            case RETRYING -> "not connected, retrying: " + state.problem() + " - " + state.message();
            case NEEDS_OPERATOR -> "STOPPED: " + state.problem() + " - " + state.message();
        };
        StringBuilder text =
                new StringBuilder("  Gateway agent: ").append(escape(line)).append('\n');
        if (!state.hint().isEmpty() && state.phase() != AgentStatus.Phase.CONNECTED) {
            text.append("  What to do   : ").append(escape(state.hint())).append('\n');
        }
        gatewayCluster
                .filter(cluster -> cluster.getState() != ClusterState.CLUSTER_STATE_PENDING)
                .ifPresent(cluster -> text.append("  Gateway cluster: ")
                        .append(escape(describe(cluster)))
                        .append('\n'));
        if (gatewayCluster.filter(StatusBanner::managesItself).isPresent()) {
            text.append(
                    "  What to do   : nothing more runs here. Power off this installer VM (vSphere: Power > Shut Down Guest OS).\n");
        }
        return text.append('\n').toString();
    }

    /** Running with its Cluster API objects in itself: the installer VM's part is over. */
    private static boolean managesItself(ClusterStatus cluster) {
        return cluster.getState() == ClusterState.CLUSTER_STATE_RUNNING
                && "gateway".equals(cluster.getManagementCluster());
    }

    private static String describe(ClusterStatus cluster) {
        String state =
                cluster.getState().name().substring("CLUSTER_STATE_".length()).toLowerCase(java.util.Locale.ROOT);
        String nodes = cluster.getNodesCount() == 0
                ? ""
                : ", " + cluster.getNodesCount() + (cluster.getNodesCount() == 1 ? " node" : " nodes");
        String failing = cluster.getConditionsList().stream()
                .filter(condition -> condition.getStatus() == ConditionStatus.CONDITION_STATUS_FALSE)
                .findFirst()
                .map(condition -> " - " + condition.getType() + ": " + condition.getMessage())
                .orElse("");
        return state + nodes + failing;
    }

    /** agetty treats a backslash as the start of an escape sequence. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\");
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
