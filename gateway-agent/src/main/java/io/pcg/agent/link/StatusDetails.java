package io.pcg.agent.link;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/** Typed reasons the console puts in the google.rpc.Status details of a failed call, so nobody parses its text. */
public final class StatusDetails {

    private StatusDetails() {}

    /** The first detail of this type in the failure's status, or empty (other failure, no or unreadable detail). */
    public static <T extends Message> Optional<T> find(Throwable failure, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(type)) {
                try {
                    return Optional.of(detail.unpack(type));
                } catch (InvalidProtocolBufferException ignored) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
