package io.pcg.common.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WorkQueueTest {

    @Test
    void aKeyIsQueuedOnceAndAKeyAddedWhileInWorkComesBackAfterwards() throws Exception {
        try (WorkQueue<String> queue = new WorkQueue<>("test", Duration.ofMillis(100), Duration.ofSeconds(30))) {
            queue.add("a");
            queue.add("a");
            queue.add("b");
            assertThat(queue.take()).isEqualTo("a");
            queue.add("a");
            assertThat(queue.take()).isEqualTo("b");
            queue.done("b");
            queue.done("a");
            assertThat(queue.take()).as("added while in work").isEqualTo("a");
            queue.done("a");
            assertThat(queue.idle()).isTrue();
        }
    }

    @Test
    void failuresAreRetriedAtOnceThenWithADoublingCappedDelay() {
        try (WorkQueue<String> queue = new WorkQueue<>("test", Duration.ofMillis(100), Duration.ofSeconds(30))) {
            assertThat(queue.backoff(1)).isZero();
            assertThat(queue.backoff(3)).isZero();
            assertThat(queue.backoff(4)).isEqualTo(Duration.ofMillis(100));
            assertThat(queue.backoff(5)).isEqualTo(Duration.ofMillis(200));
            assertThat(queue.backoff(40)).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    @Timeout(30) // take() would wait for an hour if the sooner add did not replace the later one
    void aKeyWaitsForOneDelayedAddTheSoonestAskedFor() throws Exception {
        try (WorkQueue<String> queue = new WorkQueue<>("test", Duration.ofMillis(100), Duration.ofSeconds(30))) {
            queue.addAfter("a", Duration.ofHours(1));
            queue.addAfter("a", Duration.ofHours(2));
            queue.addAfter("b", Duration.ofHours(1));
            assertThat(queue.delayed())
                    .as("later adds of a key fold into the one due")
                    .isEqualTo(2);

            queue.addAfter("a", Duration.ofMillis(1));
            assertThat(queue.take())
                    .as("a sooner add replaces the one due in an hour")
                    .isEqualTo("a");
            queue.done("a");
            assertThat(queue.delayed()).as("only b still waits").isEqualTo(1);
        }
    }

    @Test
    void aClosedQueueHandsOutNothing() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>("test", Duration.ofMillis(100), Duration.ofSeconds(30));
        queue.add("a");
        queue.close();
        assertThat(queue.take()).isNull();
    }
}
