package io.pcg.agent.health.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import org.junit.jupiter.api.Test;

class NodeConditionsTest {

    @Test
    void theWatchedConditionsWithTheirStatusTimeAndRedactedTexts() {
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withNewStatus()
                .addToConditions(new NodeConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("KubeletReady")
                        .withMessage("kubelet is posting ready status")
                        .withLastTransitionTime("2026-01-01T10:00:00Z")
                        .build())
                .addToConditions(new NodeConditionBuilder()
                        .withType("DiskPressure")
                        .withStatus("Unknown")
                        .withReason("NodeStatusUnknown")
                        .withMessage("mount of http://admin:S3cret-pw@nfs.example.com failed")
                        .withLastTransitionTime("not a time")
                        .build())
                .addToConditions(new NodeConditionBuilder()
                        .withType("KernelDeadlock")
                        .withStatus("False")
                        .build())
                .addToConditions(new NodeConditionBuilder()
                        .withType("PIDPressure")
                        .withStatus("False")
                        .build())
                .endStatus()
                .build();

        assertThat(NodeConditions.of(node))
                .extracting(Condition::getType, Condition::getStatus)
                .containsExactly(
                        tuple("Ready", ConditionStatus.CONDITION_STATUS_TRUE),
                        tuple("DiskPressure", ConditionStatus.CONDITION_STATUS_UNKNOWN),
                        tuple("PIDPressure", ConditionStatus.CONDITION_STATUS_FALSE));
        Condition ready = NodeConditions.of(node).get(0);
        assertThat(ready.getLastTransitionTime().getSeconds()).isEqualTo(1767261600L);
        Condition disk = NodeConditions.of(node).get(1);
        assertThat(disk.hasLastTransitionTime())
                .as("a time that is not RFC 3339 is left out")
                .isFalse();
        assertThat(disk.getMessage()).contains("nfs.example.com").doesNotContain("S3cret-pw");
    }

    @Test
    void aNodeWithoutStatusHasNoConditions() {
        assertThat(NodeConditions.of(new NodeBuilder()
                        .withNewMetadata()
                        .withName("n1")
                        .endMetadata()
                        .build()))
                .isEmpty();
    }
}
