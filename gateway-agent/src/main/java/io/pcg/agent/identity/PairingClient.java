package io.pcg.agent.identity;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.pcg.agent.link.ConnectionProblem;
import io.pcg.agent.link.FailureClassifier;
import io.pcg.agent.link.Problem;
import io.pcg.agent.link.ProblemException;
import io.pcg.agent.link.StatusDetails;
import io.pcg.common.secrets.Secret;
import io.pcg.proto.v1.PairRequest;
import io.pcg.proto.v1.PairResponse;
import io.pcg.proto.v1.PairingFailure;
import io.pcg.proto.v1.PairingGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Trades the PIN and a CSR for the agent's mTLS identity with one Pairing.Pair call. */
public final class PairingClient {

    private final Channel channel;
    private final Duration deadline;
    private final String target;
    private final String proxy;

    /**
     * @param target the console as host:port, for messages
     * @param proxy  the proxy in use (redacted) or empty
     */
    public PairingClient(Channel channel, Duration deadline, String target, String proxy) {
        this.channel = channel;
        this.deadline = deadline;
        this.target = target;
        this.proxy = proxy;
    }

    /**
     * @throws ProblemException with the console's pairing refusal or the network/TLS/proxy failure, classified
     */
    public AgentIdentity pair(String gatewayName, Secret pin, String agentVersion) throws ProblemException {
        KeyMaterial keys = KeyMaterial.generate(gatewayName);
        PairResponse response;
        try {
            response = PairingGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .pair(PairRequest.newBuilder()
                            .setGatewayName(gatewayName)
                            .setPairingCode(pin.reveal())
                            .setCsrDer(ByteString.copyFrom(keys.csrDer()))
                            .setAgentVersion(agentVersion)
                            .build());
        } catch (StatusRuntimeException e) {
            throw new ProblemException(StatusDetails.find(e, PairingFailure.class)
                    .map(PairingClient::problemFor)
                    .orElseGet(() -> FailureClassifier.classify(e, target, proxy, false)));
        }
        return new AgentIdentity(
                response.getGatewayId(),
                keys.privateKeyPem(),
                response.getClientCertificatePem(),
                response.getCaBundlePem());
    }

    /** One operator-facing problem per refusal reason; the console's own sentence is kept as the detail. */
    static Problem problemFor(PairingFailure failure) {
        String consoleSays = failure.getMessage().isBlank() ? "" : "console says: " + failure.getMessage();
        return switch (failure.getReason()) {
            case PAIRING_ERROR_PIN_INVALID ->
                new Problem(
                        ConnectionProblem.PIN_INVALID,
                        failure.getAttemptsLeft() + " attempt(s) left before the gateway record is locked"
                                + (consoleSays.isEmpty() ? "" : "; " + consoleSays));
            case PAIRING_ERROR_PIN_EXPIRED -> new Problem(ConnectionProblem.PIN_EXPIRED, consoleSays);
            case PAIRING_ERROR_PIN_USED -> new Problem(ConnectionProblem.PIN_USED, consoleSays);
            case PAIRING_ERROR_LOCKED_OUT -> new Problem(ConnectionProblem.LOCKED_OUT, consoleSays);
            case PAIRING_ERROR_UNKNOWN_GATEWAY -> new Problem(ConnectionProblem.UNKNOWN_GATEWAY, consoleSays);
            case PAIRING_ERROR_BAD_CSR -> new Problem(ConnectionProblem.CSR_REJECTED, consoleSays);
            case PAIRING_ERROR_UNSPECIFIED, UNRECOGNIZED ->
                new Problem(
                        ConnectionProblem.CONSOLE_UNAVAILABLE,
                        "pairing refused for an unknown reason" + (consoleSays.isEmpty() ? "" : "; " + consoleSays));
        };
    }
}
