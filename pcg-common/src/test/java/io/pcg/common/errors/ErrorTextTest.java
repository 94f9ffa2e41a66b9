package io.pcg.common.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorTextTest {

    static Stream<Arguments> quoted() {
        return Stream.of(
                arguments("10.0.0.1", "'10.0.0.1'"),
                arguments("", "''"),
                arguments(null, "(nothing)"),
                arguments("a\r\nX-Injected: 1", "'a\\r\\nX-Injected: 1'"),
                arguments("tab\there", "'tab\\there'"),
                arguments("nul\u0000esc\u001b[31m", "'nul\\u0000esc\\u001b[31m'"),
                arguments("line\u2028sep", "'line\\u2028sep'"),
                arguments("prøxy.例え.jp", "'prøxy.例え.jp'"),
                arguments(
                        "x".repeat(ErrorText.MAX_QUOTED + 5),
                        "'" + "x".repeat(ErrorText.MAX_QUOTED) + "'... (" + (ErrorText.MAX_QUOTED + 5)
                                + " characters)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("quoted")
    void quotesOnOneShortLine(String value, String expected) {
        assertThat(ErrorText.quote(value)).isEqualTo(expected);
        assertThat(ErrorText.problem("bad value " + ErrorText.quote(value))).isEmpty();
    }

    static Stream<Arguments> unfit() {
        return Stream.of(
                arguments("", "empty"),
                arguments("  ", "empty"),
                arguments("forged\nline", "U+000A"),
                arguments("header\r", "U+000D"),
                arguments("x".repeat(ErrorText.MAX_MESSAGE + 1), "more than " + ErrorText.MAX_MESSAGE));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unfit")
    void namesWhatMakesAMessageUnfit(String message, String problem) {
        assertThat(ErrorText.problem(message))
                .hasValueSatisfying(text -> assertThat(text).contains(problem));
    }
}
