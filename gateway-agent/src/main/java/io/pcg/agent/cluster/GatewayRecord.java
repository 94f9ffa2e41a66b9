package io.pcg.agent.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

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
 */
record GatewayRecord(GatewayState state, Phase phase, ConfigureRequest desired, Map<String, MilestoneStatus> conditions,
                     NodeRemediation lastRemediation, boolean deleting) {

    GatewayRecord {
        conditions = conditions == null ? Map.of() : Map.copyOf(conditions);
    }

    static GatewayRecord pending() {
        return new GatewayRecord(GatewayState.PENDING, null, null, Map.of(), null, false);
    }

    /** A milestone's condition: {@code status} is True, False or Unknown. */
    record MilestoneStatus(String status, String reason, String message) {
    }

    GatewayRecord withState(GatewayState newState) {
        return new GatewayRecord(newState, phase, desired, conditions, lastRemediation, deleting);
    }

    GatewayRecord withDesired(ConfigureRequest newDesired) {
        return new GatewayRecord(state, phase, newDesired, conditions, lastRemediation, deleting);
    }

    GatewayRecord withPhase(Phase newPhase) {
        return new GatewayRecord(state, newPhase, desired, conditions, lastRemediation, deleting);
    }

    GatewayRecord with(Milestone milestone, String status, String reason, String message) {
        Map<String, MilestoneStatus> changed = new LinkedHashMap<>(conditions);
        changed.put(milestone.type(), new MilestoneStatus(status, reason, message));
        return new GatewayRecord(state, phase, desired, changed, lastRemediation, deleting);
    }

    GatewayRecord withLastRemediation(NodeRemediation remediation) {
        return new GatewayRecord(state, phase, desired, conditions, remediation, deleting);
    }

    GatewayRecord withDeleting() {
        return new GatewayRecord(state, phase, desired, conditions, lastRemediation, true);
    }

    MilestoneStatus condition(Milestone milestone) {
        return conditions.get(milestone.type());
    }
}
