package io.pcg.agent.ipam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.agent.tunnel.AgentCommand;
import io.pcg.agent.tunnel.CommandFailedException;
import io.pcg.agent.tunnel.CommandHandler;

/**
 * Shared shape of the {@code ipam.*} console commands: strict payload parsing (unknown fields are errors, so a
 * typo is not silently ignored), and every failure mapped to a code, a message and a hint for the operator.
 *
 * @param <P> the payload record
 */
abstract class IpamCommandHandler<P> implements CommandHandler {

    static final String INVALID_PAYLOAD = "IPAM_INVALID_REQUEST";
    static final String POOL_INVALID = "IPAM_POOL_INVALID";
    static final String API_UNAVAILABLE = "IPAM_API_UNAVAILABLE";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Class<P> payloadType;

    IpamCommandHandler(Class<P> payloadType) {
        this.payloadType = payloadType;
    }

    abstract Object run(P payload) throws PoolValidationException, IpamException, CommandFailedException;

    @Override
    public final String handle(AgentCommand command) throws CommandFailedException {
        P payload;
        try {
            String body = command.payloadJson() == null || command.payloadJson().isBlank() ? "{}" : command.payloadJson();
            payload = JSON.readValue(body, payloadType);
        } catch (UnrecognizedPropertyException e) {
            throw new CommandFailedException(INVALID_PAYLOAD, type() + ": unknown field '" + e.getPropertyName() + "'",
                    "known fields: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw new CommandFailedException(INVALID_PAYLOAD, type() + ": the request is not valid JSON for this command ("
                    + e.getOriginalMessage() + ")", "send a JSON object with the documented fields");
        }
        try {
            return JSON.writeValueAsString(run(payload));
        } catch (PoolValidationException e) {
            throw new CommandFailedException(POOL_INVALID, e.getMessage(), "correct the fields named above and send the pool again");
        } catch (IpamException e) {
            throw new CommandFailedException(e.code(), e.getMessage(), e.hint());
        } catch (KubernetesClientException e) {
            throw new CommandFailedException(API_UNAVAILABLE, "the management cluster did not accept the request: "
                    + e.getMessage(), "check that the management cluster is running and reachable, then retry", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + type() + " result", e);
        }
    }

    static String required(String value, String field) throws CommandFailedException {
        if (value == null || value.isBlank()) {
            throw new CommandFailedException(INVALID_PAYLOAD, field + " is required", "add the field '" + field + "'");
        }
        return value.trim();
    }
}
