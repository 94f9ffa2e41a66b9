package io.pcg.agent.events;

import com.google.protobuf.Timestamp;
import io.pcg.agent.link.LatestSender;
import io.pcg.agent.link.Upstream;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the console's view of the gateway cluster current: the whole {@link ClusterStatus} goes up the control
 * stream whenever it changes, and the latest one again after every (re)connect. Only the latest counts: a status
 * that was replaced while the console could not be reached is never sent.
 *
 * <p>Callers describe the cluster as it is now and leave the times to this class: {@code observed_at} is the time
 * of the report, and a condition's {@code last_transition_time} is carried over from the previous report while its
 * status stays the same (as Kubernetes does), and set to now when the status changes. Condition reasons and
 * messages pass {@link SafeText}.
 */
public final class ClusterStatusReporter implements Upstream.Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStatusReporter.class);

    private final Clock clock;
    /** Guarded by this. */
    private ClusterStatus latest;

    private final LatestSender sender = new LatestSender();

    public ClusterStatusReporter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reports the cluster as it is now. Sent at once if it differs from the last report in anything but the times,
     * else nothing happens; thread-safe, never blocks on the network.
     *
     * @throws IllegalArgumentException for an unspecified state, a condition without a type or with an unspecified status
     */
    public synchronized void report(ClusterStatus status) {
        requireSpecified(status);
        ClusterStatus stamped = stamped(status);
        if (latest != null && withoutObservedAt(latest).equals(withoutObservedAt(stamped))) {
            return;
        }
        if (latest == null || latest.getState() != stamped.getState()) {
            LOG.info(
                    "gateway cluster is {}; its Cluster API objects are on {}",
                    stamped.getState().name().substring("CLUSTER_STATE_".length()),
                    stamped.getManagementCluster().isEmpty()
                            ? "no cluster yet"
                            : "the " + stamped.getManagementCluster() + " cluster");
        }
        latest = stamped;
        sender.send(wrap(stamped));
    }

    /** The last status reported, as sent (with its times). */
    public synchronized Optional<ClusterStatus> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public void connected(Upstream stream) {
        sender.connected(stream);
    }

    @Override
    public void disconnected() {
        sender.disconnected();
    }

    private ClusterStatus stamped(ClusterStatus status) {
        Timestamp now = EventPublisher.timestamp(clock.instant());
        ClusterStatus.Builder builder = status.toBuilder().setObservedAt(now).clearConditions();
        for (Condition condition : status.getConditionsList()) {
            Condition.Builder safe = condition.toBuilder()
                    .setReason(SafeText.of(condition.getReason()))
                    .setMessage(SafeText.of(condition.getMessage()));
            if (!condition.hasLastTransitionTime()) {
                safe.setLastTransitionTime(previous(condition)
                        .filter(before -> before.getStatus() == condition.getStatus())
                        .map(Condition::getLastTransitionTime)
                        .orElse(now));
            }
            builder.addConditions(safe);
        }
        return builder.build();
    }

    private Optional<Condition> previous(Condition condition) {
        return latest == null
                ? Optional.empty()
                : latest.getConditionsList().stream()
                        .filter(before -> before.getType().equals(condition.getType()))
                        .findFirst();
    }

    private static void requireSpecified(ClusterStatus status) {
        if (status.getState() == ClusterState.CLUSTER_STATE_UNSPECIFIED
                || status.getState() == ClusterState.UNRECOGNIZED) {
            throw new IllegalArgumentException("a cluster status needs a state");
        }
        for (Condition condition : status.getConditionsList()) {
            if (condition.getType().isBlank()) {
                throw new IllegalArgumentException("every cluster condition needs a type");
            }
            if (condition.getStatus() == ConditionStatus.CONDITION_STATUS_UNSPECIFIED
                    || condition.getStatus() == ConditionStatus.UNRECOGNIZED) {
                throw new IllegalArgumentException(
                        "condition " + condition.getType() + " needs a status: TRUE, FALSE or UNKNOWN");
            }
        }
    }

    private static ClusterStatus withoutObservedAt(ClusterStatus status) {
        return status.toBuilder().clearObservedAt().build();
    }

    private static AgentMessage wrap(ClusterStatus status) {
        return AgentMessage.newBuilder().setClusterStatus(status).build();
    }
}
