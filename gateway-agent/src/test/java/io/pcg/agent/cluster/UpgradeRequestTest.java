package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpgradeRequestTest {

    private static final UpgradeRequest.Current RUNNING =
            new UpgradeRequest.Current(GatewayState.RUNNING, "running", "v1.34.4", "pcg-node-template", "0.2.0");

    /** The refusal table: what the console may send to a Running gateway (v1.34.4, pcg-node-template, agent 0.2.0). */
    @ParameterizedTest(name = "k8s={0} template={1} agent={2}: {3}")
    @CsvSource(
            nullValues = "null",
            delimiter = '|',
            value = {
                "v1.35.0 | null             | null           | null",
                "v1.34.5 | null             | null           | null",
                "null    | pcg-node-1.35    | null           | null",
                "null    | null             | 0.3.0          | null",
                "null    | null             | 0.2.1-rc.1     | null",
                "v1.35.2 | pcg-node-1.35    | 0.3.0          | null",
                "null    | null             | null           | GATEWAY_INVALID_REQUEST: gateway.upgrade names nothing to upgrade",
                "''      | ''               | ''             | GATEWAY_INVALID_REQUEST: gateway.upgrade names nothing to upgrade",
                "1.35.0  | null             | null           | GATEWAY_INVALID_REQUEST: kubernetesVersion '1.35.0' is not a Kubernetes version",
                "v1.35   | null             | null           | GATEWAY_INVALID_REQUEST: kubernetesVersion 'v1.35' is not a Kubernetes version",
                "v1.34.4 | null             | null           | GATEWAY_UPGRADE_REFUSED: the gateway cluster runs Kubernetes v1.34.4 already",
                "v1.34.3 | null             | null           | GATEWAY_UPGRADE_REFUSED: Kubernetes cannot be downgraded from v1.34.4 to v1.34.3",
                "v1.33.9 | null             | null           | GATEWAY_UPGRADE_REFUSED: Kubernetes cannot be downgraded from v1.34.4 to v1.33.9",
                "v1.36.0 | null             | null           | GATEWAY_UPGRADE_REFUSED: Kubernetes upgrades one minor version at a time: v1.34.4 cannot go to v1.36.0 directly",
                "v2.0.0  | null             | null           | GATEWAY_UPGRADE_REFUSED: Kubernetes upgrades one minor version at a time",
                "null    | pcg-node-template | null          | GATEWAY_UPGRADE_REFUSED: the nodes are cloned from pcg-node-template already",
                "null    | null             | 0.2.0          | GATEWAY_UPGRADE_REFUSED: the gateway runs agent 0.2.0 already",
                "null    | null             | 0.1.9          | GATEWAY_UPGRADE_REFUSED: the agent cannot be downgraded from 0.2.0 to 0.1.9",
                "null    | null             | 0.2.0-rc.1     | GATEWAY_UPGRADE_REFUSED: the agent cannot be downgraded from 0.2.0 to 0.2.0-rc.1",
                "null    | null             | latest         | GATEWAY_INVALID_REQUEST: agentVersion 'latest' is not a version",
                "v1.35.0 | null             | 0.1.0          | GATEWAY_UPGRADE_REFUSED: the agent cannot be downgraded",
            })
    void whatARunningGatewayTakes(String kubernetes, String template, String agent, String refusal) {
        var answer = new UpgradeRequest(kubernetes, template, agent, null).refusal(RUNNING);
        if (refusal == null) {
            assertThat(answer).isEmpty();
        } else {
            assertThat(answer)
                    .hasValueSatisfying(
                            r -> assertThat(r.code() + ": " + r.message()).startsWith(refusal));
            assertThat(answer.get().hint()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource(
            delimiter = '|',
            value = {
                "PROVISIONING | resizing",
                "UPGRADING    | upgrading already",
                "PENDING      | not configured",
                "FAILED       | failing a step (provisioning)",
                "RESETTING    | being deleted",
            })
    void nothingIsUpgradedUnlessTheGatewayRuns(GatewayState state, String activity) {
        var busy = new UpgradeRequest.Current(state, activity, "v1.34.4", "pcg-node-template", "0.2.0");
        assertThat(new UpgradeRequest("v1.35.0", null, null, null).refusal(busy))
                .hasValueSatisfying(refusal -> {
                    assertThat(refusal.code()).isEqualTo(GatewayCommands.WRONG_STATE);
                    assertThat(refusal.message()).isEqualTo("the gateway cannot be upgraded while it is " + activity);
                });
    }

    @Test
    void theDetailsSayFromWhatToWhatWhoAndWhen() {
        Instant now = Instant.parse("2026-11-27T14:00:00Z");
        UpgradeDetails details = new UpgradeRequest(" v1.35.0 ", null, "0.3.0", "admin@acme").upgrade(RUNNING, now);
        assertThat(details.changes())
                .containsExactly(
                        new UpgradeDetails.Change("kubernetesVersion", "v1.34.4", "v1.35.0"),
                        new UpgradeDetails.Change("agentVersion", "0.2.0", "0.3.0"));
        assertThat(details.requestedBy()).isEqualTo("admin@acme");
        assertThat(details.requestedAt()).isEqualTo(now);
        assertThat(details.completedAt()).isNull();
        assertThat(details.rollsNodes()).isTrue();
        assertThat(details.describe()).isEqualTo("kubernetesVersion v1.34.4 → v1.35.0, agentVersion 0.2.0 → 0.3.0");
        assertThat(new UpgradeRequest(null, null, "0.3.0", " ").upgrade(RUNNING, now))
                .satisfies(agentOnly -> {
                    assertThat(agentOnly.rollsNodes()).isFalse();
                    assertThat(agentOnly.requestedBy()).isEqualTo(UpgradeRequest.CONSOLE);
                });
    }

    @Test
    void theRecordKeepsTheLastUpgradesAndKnowsTheRunningOne() {
        GatewayRecord record = GatewayRecord.pending();
        Instant at = Instant.parse("2026-11-27T14:00:00Z");
        for (int i = 0; i < UpgradeDetails.KEPT + 3; i++) {
            UpgradeDetails started = new UpgradeDetails(
                    List.of(new UpgradeDetails.Change("agentVersion", "0." + i + ".0", "0." + (i + 1) + ".0")),
                    "console",
                    at,
                    null);
            record = record.withUpgrade(started);
            assertThat(record.runningUpgrade()).contains(started);
            record = record.withUpgrade(started.completed(at.plusSeconds(60)));
        }
        assertThat(record.upgrades()).hasSize(UpgradeDetails.KEPT);
        assertThat(record.runningUpgrade()).isEmpty();
        assertThat(record.lastUpgraded("agentVersion")).contains("0." + (UpgradeDetails.KEPT + 3) + ".0");
        assertThat(record.lastUpgraded("kubernetesVersion")).isEmpty();
    }

    @Test
    void unknownFieldsAreRefusedBeforeTheGatewayIsAsked() {
        GatewayCommands.Upgrade handler = new GatewayCommands.Upgrade(() -> {
            throw new AssertionError("a payload that cannot be read never reaches the controller");
        });
        CommandFailedException refused = catchThrowableOfType(
                CommandFailedException.class,
                () -> handler.handle(new AgentCommand(
                        "c1", "gateway.upgrade", "{\"kubernetesVersion\": \"v1.35.0\", \"k8sVersion\": \"v1.35.0\"}")));
        assertThat(refused.code()).isEqualTo(GatewayCommands.INVALID_REQUEST);
        assertThat(refused.getMessage()).contains("k8sVersion");
    }
}
