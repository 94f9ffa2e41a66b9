package io.pcg.agent.vsphere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pcg.agent.secrets.Secret;
import io.pcg.agent.tunnel.AgentCommand;
import io.pcg.agent.tunnel.CommandFailedException;

import java.io.IOException;

/** Payload parsing and error mapping shared by the {@code vsphere.*} command handlers. */
final class VsphereCommands {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private VsphereCommands() {
    }

    static JsonNode payload(AgentCommand command) throws CommandFailedException {
        try {
            JsonNode node = JSON.readTree(command.payloadJson() == null ? "{}" : command.payloadJson());
            if (node == null || !node.isObject()) {
                throw new CommandFailedException("vsphere.invalid-request", command.type() + " needs a JSON object payload",
                        "Send {\"server\": ..., \"username\": ..., \"password\": ...}.");
            }
            return node;
        } catch (IOException e) {
            // The parser's message may quote the payload, which holds the password: keep it out.
            throw new CommandFailedException("vsphere.invalid-request", command.type() + " payload is not valid JSON",
                    "Send a JSON object.");
        }
    }

    static VsphereLogin login(JsonNode payload) throws CommandFailedException {
        try {
            return VsphereLogin.of(text(payload, "server"), text(payload, "username"),
                    Secret.of(text(payload, "password")), text(payload, "thumbprint"));
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("vsphere.invalid-request", e.getMessage(),
                    "Fill in server, username and password (and the thumbprint you confirmed).");
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static CommandFailedException failed(VsphereException e) {
        return new CommandFailedException(e.code(), e.getMessage(), e.hint());
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render the result as JSON", e);
        }
    }
}
