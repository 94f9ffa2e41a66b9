package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which {@code cluster.scale} requests are refused, and the node keys that keep each node's address when a pool grows. */
class TenantScaleTest {

    private static final TenantRecord RUNNING = TenantRecord.accepted(TenantRequests.valid(), "default", false)
            .withPhase(TenantPhase.MOVED)
            .withState(TenantState.RUNNING);

    private static Map<String, Integer> counts(Object... poolsAndCounts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < poolsAndCounts.length; i += 2) {
            counts.put((String) poolsAndCounts[i], (Integer) poolsAndCounts[i + 1]);
        }
        return counts;
    }

    @Test
    void growingAPoolOfARunningClusterIsAccepted() {
        assertThat(TenantClusterController.scaleRefusal(RUNNING, counts("workers", 3)))
                .isEmpty();
        assertThat(TenantClusterController.scaleRefusal(RUNNING.withState(TenantState.SCALING), counts("workers", 2)))
                .isEmpty();
    }

    /** Without the pivot the objects stay where they were applied: a running cluster is scaled there. */
    @Test
    void aClusterKeptInPlaceIsScaledOnceItRunsWithoutAMove() {
        TenantRecord inPlace = TenantRecord.accepted(TenantRequests.valid(), "default", true)
                .withPhase(TenantPhase.APPLIED)
                .withState(TenantState.RUNNING);
        assertThat(TenantClusterController.scaleRefusal(inPlace, counts("workers", 3)))
                .isEmpty();
        assertThat(TenantClusterController.scaleRefusal(
                        inPlace.withPhase(TenantPhase.ADDRESSES_RESERVED).withState(TenantState.PROVISIONING),
                        counts("workers", 3)))
                .hasValueSatisfying(m -> assertThat(m).endsWith("it can be scaled once it runs"));
    }

    @Test
    void refusals() {
        assertThat(TenantClusterController.scaleRefusal(
                        RUNNING.withPhase(TenantPhase.APPLIED).withState(TenantState.PROVISIONING),
                        counts("workers", 3)))
                .hasValueSatisfying(m -> assertThat(m).contains("once it runs"));
        assertThat(TenantClusterController.scaleRefusal(
                        RUNNING.deleting(java.time.Instant.EPOCH), counts("workers", 3)))
                .hasValueSatisfying(m -> assertThat(m).contains("DELETING"));
        assertThat(TenantClusterController.scaleRefusal(RUNNING, counts()))
                .hasValueSatisfying(m -> assertThat(m).contains("no worker pool named"));
        assertThat(TenantClusterController.scaleRefusal(RUNNING, counts("gpu", 1, "workers", 1)))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("has no worker pool gpu (its pools: workers)")
                        .contains("shrinking it to 1 is not supported"));
        assertThat(TenantClusterController.scaleRefusal(RUNNING, counts("workers", null)))
                .hasValueSatisfying(m -> assertThat(m).contains("shrinking it to null"));
    }

    @Test
    void aGrownPoolKeepsTheKeysOfItsNodesAndAddsOne() {
        TenantClusterRequest valid = TenantRequests.valid();
        TenantClusterRequest twoPools = valid.withWorkerPools(List.of(
                new TenantClusterRequest.WorkerPool("a", 1, null, null, null),
                new TenantClusterRequest.WorkerPool("b", 1, null, null, null)));
        TenantClusterRequest grown = twoPools.withWorkerPools(List.of(
                twoPools.workerPools().get(0).withCount(2),
                twoPools.workerPools().get(1)));
        assertThat(TenantManifests.nodeKeys(twoPools)).containsExactly("cp-1", "a-1", "b-1");
        assertThat(TenantManifests.nodeKeys(grown)).containsExactly("cp-1", "a-1", "a-2", "b-1");
    }
}
