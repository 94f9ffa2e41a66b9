package io.pcg.console.pairing;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.proto.v1.PairRequest;
import io.pcg.proto.v1.PairResponse;
import io.pcg.proto.v1.PairingError;
import io.pcg.proto.v1.PairingFailure;
import io.pcg.proto.v1.PairingGrpc;
import jakarta.inject.Singleton;

/**
 * The Pairing service on the wire. Open to clients without a certificate (they do not have one yet). A refusal is a
 * gRPC status with a {@link PairingFailure} in its details, so the agent tells the cases apart without parsing text.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class PairingGrpcService extends PairingGrpc.PairingImplBase {

    private final PairingService pairing;

    public PairingGrpcService(PairingService pairing) {
        this.pairing = pairing;
    }

    @Override
    public void pair(PairRequest request, StreamObserver<PairResponse> response) {
        PairingService.Paired paired;
        try {
            paired = pairing.pair(
                    request.getGatewayName(),
                    request.getPairingCode(),
                    request.getCsrDer().toByteArray());
        } catch (PairingRejectedException e) {
            response.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(statusFor(e.reason()).getCode().value())
                    .setMessage(e.getMessage())
                    .addDetails(Any.pack(PairingFailure.newBuilder()
                            .setReason(e.reason())
                            .setMessage(e.getMessage())
                            .setAttemptsLeft(e.attemptsLeft())
                            .build()))
                    .build()));
            return;
        }
        response.onNext(PairResponse.newBuilder()
                .setGatewayId(paired.gatewayId())
                .setClientCertificatePem(paired.clientCertificatePem())
                .setCaBundlePem(paired.caBundlePem())
                .build());
        response.onCompleted();
    }

    /** The gRPC code a generic client would act on correctly even without reading the details. */
    static Status statusFor(PairingError reason) {
        return switch (reason) {
            case PAIRING_ERROR_UNKNOWN_GATEWAY -> Status.NOT_FOUND;
            case PAIRING_ERROR_PIN_INVALID -> Status.UNAUTHENTICATED;
            case PAIRING_ERROR_PIN_EXPIRED, PAIRING_ERROR_PIN_USED -> Status.FAILED_PRECONDITION;
            case PAIRING_ERROR_LOCKED_OUT -> Status.PERMISSION_DENIED;
            case PAIRING_ERROR_BAD_CSR -> Status.INVALID_ARGUMENT;
            case PAIRING_ERROR_UNSPECIFIED, UNRECOGNIZED -> Status.INTERNAL;
        };
    }
}
