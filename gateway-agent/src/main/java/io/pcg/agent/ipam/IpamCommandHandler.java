package io.pcg.agent.ipam;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;

/**
 * Shared shape of the {@code ipam.*} console commands: strict payloads (unknown fields are errors, so a typo is not
 * silently ignored), and IPAM's own failures mapped to a code, a message and a hint for the operator.
 *
 * @param <P> the payload record
 */
abstract class IpamCommandHandler<P> extends TypedCommandHandler<P> {

    static final String INVALID_PAYLOAD = "IPAM_INVALID_REQUEST";
    static final String POOL_INVALID = "IPAM_POOL_INVALID";
    static final String API_UNAVAILABLE = "IPAM_API_UNAVAILABLE";

    IpamCommandHandler(Class<P> payloadType) {
        super(payloadType, INVALID_PAYLOAD, UnknownFields.REJECT);
    }

    /** The command's work on a validated payload. */
    abstract Object apply(P payload) throws PoolValidationException, IpamException;

    @Override
    protected final Object run(P payload) throws CommandFailedException {
        try {
            return apply(payload);
        } catch (PoolValidationException e) {
            throw new CommandFailedException(
                    POOL_INVALID, e.getMessage(), "correct the fields named above and send the pool again");
        } catch (IpamException e) {
            throw new CommandFailedException(e.code(), e.getMessage(), e.hint());
        } catch (KubernetesClientException e) {
            throw new CommandFailedException(
                    API_UNAVAILABLE,
                    "the management cluster did not accept the request: " + e.getMessage(),
                    "check that the management cluster is running and reachable, then retry",
                    e);
        }
    }

    static void required(String value, String field) throws CommandFailedException {
        if (value == null || value.isBlank()) {
            throw new CommandFailedException(INVALID_PAYLOAD, field + " is required", "add the field '" + field + "'");
        }
    }
}
