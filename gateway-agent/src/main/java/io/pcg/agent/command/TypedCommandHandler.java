package io.pcg.agent.command;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pcg.common.errors.ErrorText;
import io.pcg.common.secrets.Secret;
import java.io.IOException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A command handler whose payload is a record: the JSON payload is read into {@code P}, checked by
 * {@link #validate}, handed to {@link #run}, and what {@code run} returns is written as the JSON result (dates as
 * ISO-8601 text). A payload that cannot be read fails with the command family's invalid-request code, naming the
 * field but never quoting a value: payloads may hold passwords, and {@link Secret} fields keep them redacted.
 *
 * @param <P> the payload record
 */
public abstract class TypedCommandHandler<P> implements CommandHandler {

    /** What the payload may hold besides the record's fields. */
    public enum UnknownFields {
        /** Unknown fields are errors, so a typo is not silently ignored. */
        REJECT,
        /** Unknown fields are skipped: one payload shape serves several commands, each reading what it needs. */
        IGNORE
    }

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule().addDeserializer(Secret.class, new SecretDeserializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final String invalidRequestCode;
    private final ObjectReader reader;

    /**
     * @param payloadType        the payload record
     * @param invalidRequestCode the family's code for a payload that cannot be read, e.g. {@code IPAM_INVALID_REQUEST}
     */
    protected TypedCommandHandler(Class<P> payloadType, String invalidRequestCode, UnknownFields unknownFields) {
        this.invalidRequestCode = invalidRequestCode;
        ObjectReader typed = JSON.readerFor(payloadType);
        this.reader = unknownFields == UnknownFields.REJECT
                ? typed.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                : typed.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Checks what the record's types cannot: required fields, ranges. Nothing by default. */
    protected void validate(P payload) throws CommandFailedException {}

    /**
     * Runs the command.
     *
     * @return the result, written as JSON
     * @throws CommandFailedException for failures the operator can act on
     */
    protected abstract Object run(P payload) throws CommandFailedException;

    @Override
    public final String handle(AgentCommand command) throws CommandFailedException {
        P payload = read(command.payloadJson());
        validate(payload);
        Object result = run(payload);
        try {
            return JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + type() + " result as JSON", e);
        }
    }

    private CommandFailedException invalidRequest(String message, String hint) {
        return new CommandFailedException(invalidRequestCode, type() + ": " + message, hint);
    }

    private P read(String payloadJson) throws CommandFailedException {
        String hint = "Send a JSON object with the fields documented for " + type() + ".";
        JsonNode tree;
        try {
            tree = JSON.readTree(payloadJson == null || payloadJson.isBlank() ? "{}" : payloadJson);
        } catch (JsonProcessingException e) {
            // The parser's message quotes the payload, which may hold a password: only say that it is not JSON.
            throw invalidRequest("the payload is not valid JSON", hint);
        }
        if (tree == null || !tree.isObject()) {
            throw invalidRequest("the payload must be a JSON object", hint);
        }
        try {
            return reader.readValue(tree);
        } catch (UnrecognizedPropertyException e) {
            // A name that is no identifier may be anything pasted by mistake, a password included: not quoted then.
            String name = e.getPropertyName() != null
                            && FIELD_NAME.matcher(e.getPropertyName()).matches()
                    ? "unknown field " + ErrorText.quote(e.getPropertyName())
                    : "a field whose name is not a field name";
            throw invalidRequest(name, "known fields: " + e.getKnownPropertyIds());
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(reference -> reference.getFieldName() != null
                            ? reference.getFieldName()
                            : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw invalidRequest(
                    field.isEmpty()
                            ? "the payload does not fit the command"
                            : "field " + ErrorText.quote(field) + " has the wrong type",
                    hint);
        } catch (IOException e) {
            throw invalidRequest("the payload cannot be read", hint);
        }
    }

    /** Secrets arrive as JSON strings and never exist as plain strings of a payload record. */
    private static final class SecretDeserializer extends StdScalarDeserializer<Secret> {

        SecretDeserializer() {
            super(Secret.class);
        }

        @Override
        public Secret deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.currentToken().isScalarValue()) {
                return (Secret) context.handleUnexpectedToken(Secret.class, parser);
            }
            return Secret.of(parser.getValueAsString());
        }

        @Override
        public Secret getNullValue(DeserializationContext context) {
            return Secret.empty();
        }
    }
}
