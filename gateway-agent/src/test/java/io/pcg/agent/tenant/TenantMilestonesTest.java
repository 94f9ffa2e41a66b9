package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.agent.cluster.Progress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which condition a failing step marks False, with and without the pivot ({@code pcg.agent.tenant.pivot}), and when
 * a cluster kept in place needs its machines applied again.
 */
class TenantMilestonesTest {

    static Stream<Arguments> steps() {
        return Stream.of(
                Arguments.of(false, TenantPhase.ACCEPTED, "NodeAddressesAllocated"),
                Arguments.of(false, TenantPhase.ADDRESSES_RESERVED, "InfrastructureCreated"),
                Arguments.of(false, TenantPhase.APPLIED, "ControlPlaneNodeAdded"),
                Arguments.of(false, TenantPhase.AGENT_INSTALLED, "ClusterManagementMoved"),
                Arguments.of(false, TenantPhase.MOVED, "NodesReady"),
                Arguments.of(true, TenantPhase.ACCEPTED, "NodeAddressesAllocated"),
                Arguments.of(true, TenantPhase.ADDRESSES_RESERVED, "InfrastructureCreated"),
                // Kept in place, an applied cluster has nothing left but its nodes becoming Ready.
                Arguments.of(true, TenantPhase.APPLIED, "NodesReady"));
    }

    @ParameterizedTest(name = "inPlace={0}, {1} → {2}")
    @MethodSource("steps")
    void aFailingStepMarksItsCondition(boolean inPlace, TenantPhase phase, String condition) {
        TenantRecord record = TenantRecord.accepted(TenantRequests.valid(), "default", inPlace)
                .withPhase(phase);
        assertThat(TenantClusterController.currentCondition(record)).isEqualTo(condition);
        assertThat(TenantClusterController.milestones(inPlace)).contains(condition);
    }

    static Stream<Arguments> milestones() {
        return Stream.of(
                Arguments.of(
                        false,
                        List.of(
                                "NodeAddressesAllocated",
                                "InfrastructureCreated",
                                "ControlPlaneNodeAdded",
                                "AgentInstalled",
                                "ClusterManagementMoved",
                                "NodesReady")),
                Arguments.of(true, List.of("NodeAddressesAllocated", "InfrastructureCreated", "NodesReady")));
    }

    @ParameterizedTest(name = "inPlace={0}")
    @MethodSource("milestones")
    void theMilestonesShownFromTheStart(boolean inPlace, List<String> expected) {
        assertThat(TenantClusterController.milestones(inPlace)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> machines() {
        return Stream.of(
                // control-plane replicas set, machines there: 1 + 2 requested
                Arguments.of(1, 3, false),
                Arguments.of(1, 2, true),
                Arguments.of(1, 0, true),
                Arguments.of(3, 3, true),
                Arguments.of(0, 3, true),
                // a machine more than requested (one being replaced) is not a reason to apply
                Arguments.of(1, 4, false));
    }

    @ParameterizedTest(name = "replicas={0}, machines={1} → apply {2}")
    @MethodSource("machines")
    void aClusterKeptInPlaceIsShapedOnlyWhenItLacksAMachine(int replicas, int machines, boolean apply) {
        Progress progress = new Progress(
                true,
                Optional.empty(),
                0,
                0,
                true,
                List.of(),
                machines,
                replicas,
                replicas,
                replicas,
                Optional.empty(),
                List.of(),
                replicas,
                true);
        assertThat(TenantClusterController.missesMachines(TenantRequests.valid(), progress))
                .isEqualTo(apply);
    }
}
