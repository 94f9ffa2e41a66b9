package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Force delete only after 15 minutes stuck in Deleting, on the injected time. */
class TenantForceDeleteTest {

    private static final Instant SINCE = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration AFTER = Duration.ofMinutes(15);

    @ParameterizedTest(name = "{0} after {1} s: {2}")
    @CsvSource({
        "DELETING, 0, in 900 s",
        "DELETING, 899, in 1 s",
        "DELETING, 900, ",
        "DELETING, 3600, ",
        "RUNNING, 3600, not Deleting",
        "PROVISIONING, 0, not Deleting"
    })
    void allowedOnlyAfterFifteenMinutesInDeleting(TenantState state, long seconds, String refusal) {
        TenantRecord record =
                TenantRecord.accepted(TenantRequests.valid(), "default", false).withState(state);
        if (state == TenantState.DELETING) {
            record = record.deleting(SINCE);
        }
        var answer = TenantClusterController.forceDeleteRefusal(record, SINCE.plusSeconds(seconds), AFTER);
        if (refusal == null) {
            assertThat(answer).isEmpty();
        } else {
            assertThat(answer).hasValueSatisfying(message -> assertThat(message).contains(refusal));
        }
    }
}
