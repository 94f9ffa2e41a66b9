package io.pcg.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApplyFailuresTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments(0, "Connection refused", List.of(), true),
                arguments(-1, "timeout", List.of(), true),
                arguments(429, "Too many requests", List.of(), true),
                arguments(500, "etcdserver: leader changed", List.of(), true),
                arguments(502, "", List.of(), true),
                arguments(503, null, List.of(), true),
                arguments(504, "", List.of(), true),
                arguments(409, "Operation cannot be fulfilled: the object has been modified", List.of(), true),
                arguments(409, "Apply failed with 1 conflict", List.of(ApplyFailures.FIELD_MANAGER_CONFLICT), false),
                arguments(
                        500,
                        "failed to create typed patch object (ns/x): .spec.y: field not declared in schema",
                        List.of(),
                        false),
                arguments(400, "bad request", List.of(), false),
                arguments(403, "forbidden", List.of(), false),
                arguments(404, "the server could not find the requested resource", List.of(), false),
                arguments(422, "Invalid value", List.of("FieldValueInvalid"), false));
    }

    @ParameterizedTest(name = "{0} {1} {2} → retry: {3}")
    @MethodSource("failures")
    void onlyWhatAMomentMayCureIsRetried(int code, String message, List<String> causes, boolean retried) {
        assertThat(ApplyFailures.isTransient(code, message, causes)).isEqualTo(retried);
    }
}
