package io.pcg.agent.tenant;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent remembers about one tenant cluster between restarts; no secret (the credentials are in the
 * encrypted cloud-account store, under {@link #account}).
 *
 * @param request       the console's request, as it came
 * @param account       the cloud account it uses, which becomes its CAPV identity
 * @param addresses     with static IPs its node addresses by node key ({@link TenantManifests#nodeKeys}); empty otherwise
 * @param vip           its control-plane VIP, once known
 * @param conditions    its milestones by condition type
 * @param nodes         its nodes as last seen
 * @param deletingSince when {@code cluster.delete} was accepted; force delete is allowed 15 minutes after
 * @param inPlace       created with {@code pcg.agent.tenant.pivot=false}: its objects stay in the gateway's management
 *                      cluster, which builds and scales it; never moved. Absent in records of older agents: false
 */
public record TenantRecord(
        String name,
        TenantClusterRequest request,
        String account,
        TenantState state,
        TenantPhase phase,
        Map<String, String> addresses,
        String vip,
        Map<String, ConditionView> conditions,
        List<NodeView> nodes,
        Instant deletingSince,
        boolean inPlace) {

    public TenantRecord {
        addresses = addresses == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
        conditions = conditions == null ? Map.of() : Map.copyOf(conditions);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** A milestone: {@code status} True, False or Unknown. */
    public record ConditionView(String status, String reason, String message) {}

    /** A node of the cluster. */
    public record NodeView(String name, String address, boolean ready) {}

    static TenantRecord accepted(TenantClusterRequest request, String account, boolean inPlace) {
        return new TenantRecord(
                request.name(),
                request,
                account,
                TenantState.PROVISIONING,
                TenantPhase.ACCEPTED,
                Map.of(),
                null,
                Map.of(),
                List.of(),
                null,
                inPlace);
    }

    /**
     * Its objects are where they stay, so it can be scaled: moved into the tenant cluster itself, or, in place,
     * applied to the gateway's management cluster.
     */
    boolean settled() {
        return phase.reached(inPlace ? TenantPhase.APPLIED : TenantPhase.MOVED);
    }

    TenantRecord withRequest(TenantClusterRequest value) {
        return new TenantRecord(
                name, value, account, state, phase, addresses, vip, conditions, nodes, deletingSince, inPlace);
    }

    TenantRecord withState(TenantState value) {
        return new TenantRecord(
                name, request, account, value, phase, addresses, vip, conditions, nodes, deletingSince, inPlace);
    }

    TenantRecord withPhase(TenantPhase value) {
        return new TenantRecord(
                name, request, account, state, value, addresses, vip, conditions, nodes, deletingSince, inPlace);
    }

    TenantRecord withAddresses(Map<String, String> value, String vipValue) {
        return new TenantRecord(
                name, request, account, state, phase, value, vipValue, conditions, nodes, deletingSince, inPlace);
    }

    TenantRecord withNodes(List<NodeView> value) {
        return new TenantRecord(
                name, request, account, state, phase, addresses, vip, conditions, value, deletingSince, inPlace);
    }

    TenantRecord deleting(Instant since) {
        return new TenantRecord(
                name, request, account, TenantState.DELETING, phase, addresses, vip, conditions, nodes, since, inPlace);
    }

    TenantRecord with(String type, String status, String reason, String message) {
        Map<String, ConditionView> changed = new LinkedHashMap<>(conditions);
        changed.put(type, new ConditionView(status, reason, message));
        return new TenantRecord(
                name, request, account, state, phase, addresses, vip, changed, nodes, deletingSince, inPlace);
    }
}
