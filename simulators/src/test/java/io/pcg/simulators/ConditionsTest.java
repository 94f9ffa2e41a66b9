package io.pcg.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.750Z");
    private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

    @Test
    void everyConditionHasTheFiveRequiredFieldsAndSecondPrecision() {
        Map<String, Object> status = new LinkedHashMap<>();
        Conditions.set(status, "Ready", Conditions.TRUE, "Ready", null, T0);

        assertThat(Conditions.get(status, "Ready"))
                .containsExactly(
                        Map.entry("type", "Ready"),
                        Map.entry("status", "True"),
                        Map.entry("reason", "Ready"),
                        Map.entry("message", ""),
                        Map.entry("lastTransitionTime", "2026-01-01T10:00:00Z"));
    }

    @Test
    void lastTransitionTimeMovesOnlyWithTheStatus() {
        Map<String, Object> status = new LinkedHashMap<>();
        Conditions.set(status, "NodeHealthy", Conditions.UNKNOWN, "NodeDoesNotExist", "waiting", T0);
        Conditions.set(status, "NodeHealthy", Conditions.UNKNOWN, "NodeDoesNotExist", "still waiting", T1);
        assertThat(Conditions.get(status, "NodeHealthy"))
                .containsEntry("lastTransitionTime", "2026-01-01T10:00:00Z")
                .containsEntry("message", "still waiting");

        Conditions.set(status, "NodeHealthy", Conditions.TRUE, "NodeHealthy", "", T1);
        assertThat(Conditions.get(status, "NodeHealthy")).containsEntry("lastTransitionTime", "2026-01-01T10:05:00Z");
        assertThat(Obj.list(status, "conditions")).hasSize(1);
    }

    @Test
    void summaryIsFalseBeforeUnknownBeforeTrueAndNegativeInputsAreGoodWhenFalse() {
        Map<String, Object> status = new LinkedHashMap<>();
        Conditions.set(status, "A", Conditions.TRUE, "Ok", "", T0);
        Conditions.set(status, "Deleting", Conditions.FALSE, "NotDeleting", "", T0);
        Conditions.summarize(
                status, "Ready", List.of("A"), List.of("Deleting"), "Ready", "NotReady", "ReadyUnknown", T0);
        assertThat(Conditions.get(status, "Ready")).containsEntry("status", "True");

        Conditions.summarize(
                status, "Ready", List.of("A", "B"), List.of("Deleting"), "Ready", "NotReady", "ReadyUnknown", T0);
        assertThat(Conditions.get(status, "Ready"))
                .containsEntry("status", "Unknown")
                .containsEntry("reason", "ReadyUnknown")
                .containsEntry("message", "* B: Condition not yet reported");

        Conditions.set(status, "Deleting", Conditions.TRUE, "Deleting", "going", T0);
        Conditions.summarize(
                status, "Ready", List.of("A", "B"), List.of("Deleting"), "Ready", "NotReady", "ReadyUnknown", T0);
        assertThat(Conditions.get(status, "Ready"))
                .containsEntry("status", "False")
                .containsEntry("reason", "NotReady")
                .containsEntry("message", "* Deleting: going\n* B: Condition not yet reported");
    }
}
