package io.pcg.agent.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.pcg.common.errors.ErrorText;
import io.pcg.common.secrets.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad console command payloads through {@link TypedCommandHandler}'s reading, which every JSON command shares: any
 * payload runs or fails with {@link CommandFailedException} (the command's invalid-request code) whose message and
 * hint are fit for the console and the agent's log ({@link ErrorText#problem}) and never quote a password from the
 * payload. The shared corpus runs in every build; the {@code @FuzzTest} fuzzes with {@code JAZZER_FUZZ=1}.
 */
class CommandPayloadFuzzTest {

    private static final Path CORPUS = Path.of("../pcg-common/src/test/resources/bad-inputs");
    /** The password in the corpus' truncated configure payload. */
    private static final String CORPUS_PASSWORD = "Vc-S3cret";

    record Vcenter(String server, String username, Secret password) {}

    record Payload(
            String name,
            Integer prefix,
            Boolean restrictToSingleCluster,
            List<String> nameServers,
            Vcenter vcenter,
            Map<String, String> labels,
            Integer nodeCount) {}

    /** Every kind of field a real payload has; answers with nothing. */
    private static final class Sink extends TypedCommandHandler<Payload> {
        Sink() {
            super(Payload.class, "TEST_INVALID_REQUEST", UnknownFields.REJECT);
        }

        @Override
        public String type() {
            return "test.sink";
        }

        @Override
        protected Object run(Payload payload) {
            return Map.of();
        }
    }

    static Stream<Arguments> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.sorted().map(file -> arguments(file.getFileName().toString(), read(file))).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyNastyPayloadRunsOrIsRefusedCleanly(String file, String payload) {
        runOrRefuseCleanly(payload);
        // Also as a value and as a field name inside an otherwise valid payload.
        String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(payload));
        runOrRefuseCleanly("{\"name\":\"" + quoted + "\",\"prefix\":24}");
        runOrRefuseCleanly("{\"" + quoted + "\":1}");
    }

    @FuzzTest(maxDuration = "30s")
    void payload(byte[] json) {
        runOrRefuseCleanly(new String(json, StandardCharsets.UTF_8));
    }

    private static void runOrRefuseCleanly(String payload) {
        try {
            new Sink().handle(new AgentCommand("c1", "test.sink", payload));
        } catch (CommandFailedException refused) {
            assertThat(refused.code()).isEqualTo("TEST_INVALID_REQUEST");
            assertThat(ErrorText.problem(refused.getMessage()))
                    .as("message: %s", refused.getMessage())
                    .isEmpty();
            assertThat(ErrorText.problem(refused.hint()))
                    .as("hint: %s", refused.hint())
                    .isEmpty();
            assertThat(refused.getMessage() + refused.hint()).doesNotContain(CORPUS_PASSWORD);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
