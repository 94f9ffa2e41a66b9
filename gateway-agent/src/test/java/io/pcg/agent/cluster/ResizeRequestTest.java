package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResizeRequestTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(
            nullValues = "null",
            delimiter = '|',
            value = {
                "1 | 3    | ",
                "1 | 2    | the only resize is from 1 to 3, not from 1 to 2",
                "1 | 5    | the only resize is from 1 to 3, not from 1 to 5",
                "3 | 1    | cannot shrink from 3 to 1 nodes",
                "1 | 0    | cannot shrink from 1 to 0 nodes",
                "3 | 3    | has 3 nodes already",
                "1 | 1    | has 1 node already",
                "3 | 5    | the only resize is from 1 to 3, not from 3 to 5",
                "1 | null | nodeCount is missing"
            })
    void onlyOneToThreeIsAllowed(int current, Integer requested, String refusal) {
        if (refusal == null) {
            assertThat(ResizeRequest.refusal(current, requested)).isEmpty();
        } else {
            assertThat(ResizeRequest.refusal(current, requested))
                    .hasValueSatisfying(reason -> assertThat(reason).contains(refusal));
        }
    }
}
