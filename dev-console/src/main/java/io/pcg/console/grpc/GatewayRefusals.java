package io.pcg.console.grpc;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.pcg.proto.v1.GatewayRefusal;
import io.pcg.proto.v1.GatewayRefusalReason;

/**
 * Refusals of the Gateway service an agent must not retry, as a gRPC status with a {@link GatewayRefusal} in its
 * details: the agent stops and shows the reason instead of reconnecting in a loop.
 */
public final class GatewayRefusals {

    private GatewayRefusals() {}

    /**
     * Closes the stream of a gateway that was just deleted. Its agent unpairs by itself; there is no refusal reason
     * for it in the protocol, and none is needed, since the agent that asked for the deletion stops on its own.
     */
    public static StatusRuntimeException deleted(String gatewayId) {
        return Status.PERMISSION_DENIED
                .withDescription("gateway " + gatewayId + " was deleted; pair the appliance"
                        + " again with a new gateway's PIN to use it")
                .asRuntimeException();
    }

    /** For a revoked gateway: on every call it makes, and to close its open control stream. */
    public static StatusRuntimeException revoked(String gatewayId) {
        String message = "gateway " + gatewayId
                + " was revoked by an admin; its certificates are refused until it pairs" + " again with a new PIN";
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.PERMISSION_DENIED.value())
                .setMessage(message)
                .addDetails(Any.pack(GatewayRefusal.newBuilder()
                        .setReason(GatewayRefusalReason.GATEWAY_REFUSAL_REASON_REVOKED)
                        .setMessage(message)
                        .build()))
                .build());
    }
}
