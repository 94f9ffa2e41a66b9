package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pcg.agent.state.AgentState;
import io.pcg.common.errors.OperatorException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a relaunch and its reason from Machine conditions as the CAPI v1beta2 MachineHealthCheck controller writes them. */
class NodeRemediationTest {

    private static final String UNHEALTHY_NODE =
            "Health check failed:\n  * Condition Ready on Node is reporting status" + " Unknown for more than 10m0s";

    @Test
    void aMachineHandedToItsOwnerIsRelaunchedForTheHealthChecksReason() {
        GenericKubernetesResource machine = machine(
                "pcg-gateway-abcde",
                condition("Ready", "False", "NotReady", "", "2026-11-27T10:00:00Z"),
                condition("HealthCheckSucceeded", "False", "UnhealthyNode", UNHEALTHY_NODE, "2026-11-27T10:10:01Z"),
                condition(
                        "OwnerRemediated",
                        "False",
                        "WaitingForRemediation",
                        "Waiting for remediation",
                        "2026-11-27T10:10:01Z"));

        assertThat(NodeRemediation.of(machine))
                .contains(new NodeRemediation(
                        "pcg-gateway-abcde",
                        "UnhealthyNode",
                        "Health check failed: * Condition Ready on Node is reporting status Unknown for more than 10m0s",
                        "2026-11-27T10:10:01Z"));
        assertThat(NodeRemediation.of(machine).orElseThrow().describe())
                .isEqualTo("relaunching node pcg-gateway-abcde: it"
                        + " failed its health check (UnhealthyNode: Health check failed: * Condition Ready on Node is reporting status"
                        + " Unknown for more than 10m0s)");
    }

    @Test
    void aHealthyMachineOrAFailedCheckThatRelaunchesNothingIsNoRemediation() {
        assertThat(NodeRemediation.of(machine(
                        "healthy",
                        condition("HealthCheckSucceeded", "True", "HealthCheckSucceeded", "", "2026-11-27T10:00:00Z"))))
                .isEmpty();
        assertThat(NodeRemediation.of(
                        machine("never-checked", condition("Ready", "True", "Ready", "", "2026-11-27T10:00:00Z"))))
                .isEmpty();
        assertThat(NodeRemediation.of(machine("no-status"))).isEmpty();
        // A paused cluster: the check failed, but the MachineHealthCheck handed nothing to the owner.
        assertThat(NodeRemediation.of(machine(
                        "paused",
                        condition(
                                "HealthCheckSucceeded",
                                "False",
                                "NodeStartupTimeout",
                                "Node failed to report startup in 30m0s",
                                "2026-11-27T10:00:00Z"))))
                .isEmpty();
    }

    @Test
    void progressListsRelaunchesOldestFirstAndEachComesAfterTheOneBefore() {
        GenericKubernetesResource later = machine(
                "b-later",
                condition(
                        "HealthCheckSucceeded",
                        "False",
                        "NodeStartupTimeout",
                        "Node failed to report startup in 30m0s",
                        "2026-11-27T11:00:00Z"),
                condition(
                        "OwnerRemediated",
                        "False",
                        "WaitingForRemediation",
                        "Waiting for remediation",
                        "2026-11-27T11:00:00Z"));
        GenericKubernetesResource earlier = machine(
                "c-earlier",
                condition("HealthCheckSucceeded", "False", "UnhealthyNode", UNHEALTHY_NODE, "2026-11-27T10:00:00Z"),
                condition(
                        "OwnerRemediated",
                        "False",
                        "WaitingForRemediation",
                        "Waiting for remediation",
                        "2026-11-27T10:00:00Z"));
        GenericKubernetesResource healthy = machine(
                "a-healthy",
                condition("HealthCheckSucceeded", "True", "HealthCheckSucceeded", "", "2026-11-27T09:00:00Z"));

        List<NodeRemediation> remediations = Progress.observe(
                        null, null, null, List.of(later, healthy, earlier), List.of())
                .remediations();

        assertThat(remediations).extracting(NodeRemediation::machine).containsExactly("c-earlier", "b-later");
        assertThat(remediations.get(0).isAfter(null)).isTrue();
        assertThat(remediations.get(1).isAfter(remediations.get(0))).isTrue();
        assertThat(remediations.get(0).isAfter(remediations.get(1))).isFalse();
        assertThat(remediations.get(1).isAfter(remediations.get(1)))
                .as("reported already")
                .isFalse();
    }

    @Test
    void theLastRelaunchIsKeptAcrossARestart(@TempDir Path stateDir) throws OperatorException {
        NodeRemediation remediation = new NodeRemediation(
                "pcg-gateway-abcde", "UnhealthyNode", "Health check failed", "2026-11-27T10:10:01Z");
        new GatewayStore(AgentState.local(stateDir))
                .save(GatewayRecord.pending().withLastRemediation(remediation));

        assertThat(new GatewayStore(AgentState.local(stateDir)).load().lastRemediation())
                .isEqualTo(remediation);
    }

    private static Map<String, Object> condition(
            String type, String status, String reason, String message, String since) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", type);
        condition.put("status", status);
        condition.put("reason", reason);
        condition.put("message", message);
        condition.put("lastTransitionTime", since);
        return condition;
    }

    @SafeVarargs
    private static GenericKubernetesResource machine(String name, Map<String, Object>... conditions) {
        GenericKubernetesResource machine = new GenericKubernetesResource();
        machine.setApiVersion("cluster.x-k8s.io/v1beta2");
        machine.setKind("Machine");
        machine.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace("pcg-system")
                .build());
        if (conditions.length > 0) {
            machine.setAdditionalProperty("status", Map.of("conditions", List.of(conditions)));
        }
        return machine;
    }
}
