package io.pcg.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pcg.common.errors.ErrorText;
import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironment;
import io.pcg.installer.ovf.OvfProperty;
import io.pcg.installer.validation.Problem;
import io.pcg.installer.validation.SettingsValidator;
import io.pcg.installer.validation.Validation;
import io.pcg.installer.validation.VmAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input in the OVF environment: any document is parsed or refused with {@link InvalidOvfEnvironmentException}
 * (an OperatorException) whose message is fit for the console and the log ({@link ErrorText#problem}), and any value
 * in any property is accepted or named as a {@link Problem} the same way; nothing else may escape. The corpus is
 * the one the parsers share ({@code pcg-common/src/test/resources/bad-inputs}), each file once as a whole document
 * and once as every property's value. The {@code @FuzzTest}s run their seeds in a normal build and fuzz with
 * {@code JAZZER_FUZZ=1}, one at a time.
 */
class OvfFuzzTest {

    private static final Path CORPUS = Path.of("../pcg-common/src/test/resources/bad-inputs");
    private static final List<VmAddress> VM = List.of(VmAddress.parse(OvfEnvFixture.VM_NETWORK));

    static Stream<Arguments> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.sorted().map(file -> arguments(file.getFileName().toString(), read(file))).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyNastyInputIsAcceptedOrRefusedCleanly(String file, byte[] input) {
        parseOrRefuseCleanly(input);
        inEveryPropertyAcceptedOrRefusedCleanly(new String(input, StandardCharsets.UTF_8));
    }

    @FuzzTest(maxDuration = "30s")
    void document(byte[] xml) {
        parseOrRefuseCleanly(xml);
    }

    @FuzzTest(maxDuration = "30s")
    void propertyValue(byte[] value) {
        inEveryPropertyAcceptedOrRefusedCleanly(new String(value, StandardCharsets.UTF_8));
    }

    private static void parseOrRefuseCleanly(byte[] xml) {
        try {
            OvfEnvironment.parse(xml);
        } catch (InvalidOvfEnvironmentException refused) {
            assertThat(ErrorText.problem(refused.getMessage()))
                    .as("refusal: %s", refused.getMessage())
                    .isEmpty();
        }
    }

    private static void inEveryPropertyAcceptedOrRefusedCleanly(String value) {
        for (OvfProperty property : OvfProperty.values()) {
            OvfEnvironment environment;
            try {
                environment = OvfEnvFixture.valid().with(property, value).parse();
            } catch (InvalidOvfEnvironmentException refused) {
                // A value XML cannot carry (e.g. a NUL): refused as a document, which must be clean too.
                assertThat(ErrorText.problem(refused.getMessage()))
                        .as("refusal: %s", refused.getMessage())
                        .isEmpty();
                continue;
            }
            Validation validation = new SettingsValidator().validate(environment, VM);
            for (Problem problem : validation.problems()) {
                assertThat(ErrorText.problem(problem.line()))
                        .as("%s: %s", property, problem.line())
                        .isEmpty();
            }
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
