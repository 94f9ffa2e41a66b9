package io.pcg.agent.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pcg.common.secrets.Secret;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TypedCommandHandlerTest {

    private static final String PASSWORD = "Pa55-w0rd!";

    record Login(String user, Secret password, Integer retries) {}

    /** Answers with what it read, so the test sees the typed payload; refuses a user named "nobody" in validate. */
    private static final class Echo extends TypedCommandHandler<Login> {

        Echo(UnknownFields unknownFields) {
            super(Login.class, "TEST_INVALID_REQUEST", unknownFields);
        }

        @Override
        public String type() {
            return "test.echo";
        }

        @Override
        protected void validate(Login payload) throws CommandFailedException {
            if ("nobody".equals(payload.user())) {
                throw new CommandFailedException("TEST_INVALID_REQUEST", "user must be somebody", "name a user");
            }
        }

        @Override
        protected Object run(Login payload) {
            return Map.of(
                    "user",
                    String.valueOf(payload.user()),
                    "passwordLength",
                    payload.password().reveal().length(),
                    "at",
                    Instant.parse("2030-01-02T03:04:05Z"));
        }
    }

    private static String handle(TypedCommandHandler.UnknownFields unknownFields, String payload)
            throws CommandFailedException {
        return new Echo(unknownFields).handle(new AgentCommand("c1", "test.echo", payload));
    }

    @Test
    void readsTheRecordRunsAndWritesTheResultWithIsoDates() throws Exception {
        String result = handle(
                TypedCommandHandler.UnknownFields.REJECT, "{\"user\":\"ops\",\"password\":\"" + PASSWORD + "\"}");

        assertThat(result).contains("\"user\":\"ops\"", "\"passwordLength\":10", "\"at\":\"2030-01-02T03:04:05Z\"");
    }

    @Test
    void aBlankPayloadIsAnEmptyObject() throws Exception {
        assertThat(handle(TypedCommandHandler.UnknownFields.REJECT, " "))
                .contains("\"user\":\"null\"", "\"passwordLength\":0");
    }

    @Test
    void unknownFieldsAreRejectedOrIgnoredAsTheFamilyChooses() throws Exception {
        String payload = "{\"user\":\"ops\",\"usr\":\"typo\"}";

        CommandFailedException rejected = catchThrowableOfType(
                CommandFailedException.class, () -> handle(TypedCommandHandler.UnknownFields.REJECT, payload));
        assertThat(rejected.code()).isEqualTo("TEST_INVALID_REQUEST");
        assertThat(rejected.getMessage()).isEqualTo("test.echo: unknown field 'usr'");
        assertThat(rejected.hint()).contains("user", "password", "retries");
        assertThat(handle(TypedCommandHandler.UnknownFields.IGNORE, payload)).contains("\"user\":\"ops\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"user\":\"ops\",\"password\":\"" + PASSWORD + "\"",
                "[\"" + PASSWORD + "\"]",
                "{\"password\":\"" + PASSWORD + "\",\"retries\":\"" + PASSWORD + "\"}"
            })
    void aPayloadItCannotReadFailsWithTheFamilysCodeAndNeverQuotesIt(String payload) {
        CommandFailedException e = catchThrowableOfType(
                CommandFailedException.class, () -> handle(TypedCommandHandler.UnknownFields.REJECT, payload));

        assertThat(e.code()).isEqualTo("TEST_INVALID_REQUEST");
        assertThat(e.getMessage()).startsWith("test.echo: ");
        assertThat(e.getMessage() + e.hint()).doesNotContain(PASSWORD);
    }

    @Test
    void validateRunsBeforeTheCommand() {
        CommandFailedException e = catchThrowableOfType(
                CommandFailedException.class,
                () -> handle(TypedCommandHandler.UnknownFields.REJECT, "{\"user\":\"nobody\"}"));

        assertThat(e.getMessage()).isEqualTo("user must be somebody");
    }
}
