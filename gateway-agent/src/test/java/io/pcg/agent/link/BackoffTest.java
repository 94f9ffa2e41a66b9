package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

    @ParameterizedTest(name = "attempt {0}, random {1} -> {2} ms")
    @CsvSource({
        "0, 0.0, 0",
        "0, 0.5, 125",
        "0, 0.999, 249",
        "1, 0.999, 499",
        "2, 0.5, 500",
        "3, 0.5, 1000",
        "6, 0.5, 8000",
        "7, 0.5, 15000",
        "7, 0.9999, 29997",
        "8, 0.5, 15000",
        "30, 0.5, 15000",
        "62, 0.5, 15000",
        "1000, 0.999, 29970",
        "-1, 0.5, 125",
    })
    void fullJitterBelowTheCappedExponential(int attempt, double random, long expectedMillis) {
        assertThat(backoff.delay(attempt, random)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest(name = "attempt {0} -> ceiling {1} ms")
    @CsvSource({"0, 250", "1, 500", "2, 1000", "5, 8000", "6, 16000", "7, 30000", "63, 30000", "2147483647, 30000"})
    void ceilingDoublesUntilTheCap(int attempt, long ceilingMillis) {
        assertThat(backoff.ceiling(attempt)).isEqualTo(Duration.ofMillis(ceilingMillis));
    }
}
