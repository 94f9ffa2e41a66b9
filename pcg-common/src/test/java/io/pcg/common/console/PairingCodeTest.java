package io.pcg.common.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairingCodeTest {

    @ParameterizedTest
    @CsvSource({"AB12CD34, AB12CD34", "'  AB12CD34\t', AB12CD34", "00000000, 00000000"})
    void acceptsTheConsoleFormat(String text, String normalised) {
        assertThat(PairingCode.parse(text).reveal()).isEqualTo(normalised);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''         | is empty",
                "AB12CD3    | it has 7 characters",
                "AB12CD345  | it has 9 characters",
                "ab12cd34   | lower-case",
                "AB12-D34   | other than A-Z and 0-9",
            })
    void rejectsWithoutEchoingTheCode(String text, String reason) {
        assertThatThrownBy(() -> PairingCode.parse(text))
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(text.isEmpty() ? "\u0000" : text));
    }
}
