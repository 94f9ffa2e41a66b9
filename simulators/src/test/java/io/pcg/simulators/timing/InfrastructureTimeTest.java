package io.pcg.simulators.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InfrastructureTimeTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final InfrastructureTime time = new InfrastructureTime(now::get);

    @Test
    void separateWaitsAddUp() {
        time.measure(() -> now.addAndGet(30));
        now.addAndGet(500); // the caller's own work
        time.measure(() -> now.addAndGet(20));

        assertThat(time.total()).isEqualTo(Duration.ofNanos(50));
    }

    @Test
    void overlappingWaitsCountOnce() {
        // a tool runs for 100 ns; 40 ns into it a VM is cloned for 100 ns: 140 ns of waiting, not 200
        time.measure(() -> {
            now.addAndGet(40);
            time.measure(() -> now.addAndGet(100));
            return null;
        });

        assertThat(time.total()).isEqualTo(Duration.ofNanos(140));
    }

    @Test
    void aWaitInProgressCountsSoFar() throws Exception {
        time.measure(() -> {
            now.addAndGet(25);
            assertThat(time.total()).isEqualTo(Duration.ofNanos(25));
            return null;
        });
    }

    @Test
    void aFailedWaitCountsAndItsFailureGoesThrough() {
        assertThatThrownBy(() -> time.measure(() -> {
                    now.addAndGet(10);
                    throw new IOException("vCenter refused");
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("vCenter refused");

        assertThat(time.total()).isEqualTo(Duration.ofNanos(10));
    }
}
