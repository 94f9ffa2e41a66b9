package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.pcg.proto.v1.UsageSample;
import org.junit.jupiter.api.Test;

class UsageHistoryTest {

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        UsageHistory history = new UsageHistory(3);
        assertThat(history.samples()).isEmpty();

        history.add(at(1));
        history.add(at(2));
        assertThat(history.samples()).extracting(s -> s.getTime().getSeconds()).containsExactly(1L, 2L);

        for (long second = 3; second <= 7; second++) {
            history.add(at(second));
        }
        assertThat(history.samples()).extracting(s -> s.getTime().getSeconds()).containsExactly(5L, 6L, 7L);
    }

    @Test
    void aRingOfOneKeepsTheLatest() {
        UsageHistory history = new UsageHistory(1);
        history.add(at(1));
        history.add(at(2));

        assertThat(history.samples()).extracting(s -> s.getTime().getSeconds()).containsExactly(2L);
    }

    @Test
    void anEmptyRingIsRefused() {
        assertThatThrownBy(() -> new UsageHistory(0)).hasMessageContaining("at least one sample");
    }

    private static UsageSample at(long second) {
        return UsageSample.newBuilder()
                .setTime(Timestamp.newBuilder().setSeconds(second))
                .build();
    }
}
