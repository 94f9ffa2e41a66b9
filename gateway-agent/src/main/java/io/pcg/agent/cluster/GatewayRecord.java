package io.pcg.agent.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent remembers about its gateway cluster between restarts. It holds no secret: the vCenter password is
 * in the encrypted cloud-account store, and {@link #desired} is stored without it.
 *
 * @param state      what the console sees
 * @param phase      how far provisioning got; null before the first configure
 * @param desired    the admin's request (password removed); null while {@link GatewayState#PENDING}
 * @param conditions the milestones by condition type
 * @param lastRemediation the last node Cluster API relaunched after a failed health check, and why; null when none
 * @param deleting   the console deleted the gateway: once the gateway cluster is down the appliance unpairs, instead
 *                   of waiting for "Configure"; stored so that a restarted agent still unpairs
 * @param upgrades   the upgrade details: the last {@value UpgradeDetails#KEPT} upgrades, newest last; the newest one runs
 *                   while its {@code completedAt} is null
 */
record GatewayRecord(
        GatewayState state,
        Phase phase,
        ConfigureRequest desired,
        Map<String, MilestoneStatus> conditions,
        NodeRemediation lastRemediation,
        boolean deleting,
        List<UpgradeDetails> upgrades) {

    GatewayRecord {
        conditions = conditions == null ? Map.of() : Map.copyOf(conditions);
        upgrades = upgrades == null ? List.of() : List.copyOf(upgrades);
    }

    static GatewayRecord pending() {
        return new GatewayRecord(GatewayState.PENDING, null, null, Map.of(), null, false, List.of());
    }

    /** A milestone's condition: {@code status} is True, False or Unknown. */
    record MilestoneStatus(String status, String reason, String message) {}

    GatewayRecord withState(GatewayState newState) {
        return new GatewayRecord(newState, phase, desired, conditions, lastRemediation, deleting, upgrades);
    }

    GatewayRecord withDesired(ConfigureRequest newDesired) {
        return new GatewayRecord(state, phase, newDesired, conditions, lastRemediation, deleting, upgrades);
    }

    GatewayRecord withPhase(Phase newPhase) {
        return new GatewayRecord(state, newPhase, desired, conditions, lastRemediation, deleting, upgrades);
    }

    GatewayRecord with(Milestone milestone, String status, String reason, String message) {
        Map<String, MilestoneStatus> changed = new LinkedHashMap<>(conditions);
        changed.put(milestone.type(), new MilestoneStatus(status, reason, message));
        return new GatewayRecord(state, phase, desired, changed, lastRemediation, deleting, upgrades);
    }

    GatewayRecord withLastRemediation(NodeRemediation remediation) {
        return new GatewayRecord(state, phase, desired, conditions, remediation, deleting, upgrades);
    }

    GatewayRecord withDeleting() {
        return new GatewayRecord(state, phase, desired, conditions, lastRemediation, true, upgrades);
    }

    /**
     * Records an upgrade: a new one is appended (the oldest dropped beyond {@value UpgradeDetails#KEPT}); the running one,
     * completed, replaces itself.
     */
    GatewayRecord withUpgrade(UpgradeDetails upgrade) {
        List<UpgradeDetails> changed = new ArrayList<>(upgrades);
        if (runningUpgrade().isPresent()) {
            changed.set(changed.size() - 1, upgrade);
        } else {
            changed.add(upgrade);
        }
        return new GatewayRecord(
                state,
                phase,
                desired,
                conditions,
                lastRemediation,
                deleting,
                changed.subList(Math.max(0, changed.size() - UpgradeDetails.KEPT), changed.size()));
    }

    /** The upgrade under way, if any. */
    Optional<UpgradeDetails> runningUpgrade() {
        return upgrades.isEmpty() || upgrades.get(upgrades.size() - 1).completedAt() != null
                ? Optional.empty()
                : Optional.of(upgrades.get(upgrades.size() - 1));
    }

    /** The last version an upgrade gave {@code item}, if any upgrade completed with it. */
    Optional<String> lastUpgraded(String item) {
        for (int i = upgrades.size() - 1; i >= 0; i--) {
            Optional<String> to = upgrades.get(i).to(item);
            if (upgrades.get(i).completedAt() != null && to.isPresent()) {
                return to;
            }
        }
        return Optional.empty();
    }

    MilestoneStatus condition(Milestone milestone) {
        return conditions.get(milestone.type());
    }
}
