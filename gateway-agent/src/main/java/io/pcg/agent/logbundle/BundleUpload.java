package io.pcg.agent.logbundle;

/** Sends a bundle to the console, tied to the command it answers; the gRPC adapter is {@code grpc.GrpcBundleUpload}. */
public interface BundleUpload {

    /** What the console stored. */
    record Receipt(String bundleId, long sizeBytes, String sha256) {}

    /**
     * Sends the whole bundle and waits for the console's receipt.
     *
     * @throws UploadException when the console refused it or the transfer broke off; nothing is stored then
     */
    Receipt send(String commandId, LogBundle bundle) throws UploadException;

    /** Why an upload did not end with a receipt. */
    final class UploadException extends Exception {

        /** What kind of failure it is. */
        public enum Kind {
            /** The console looked at the bundle or the call and said no: the same again gets the same answer. */
            REFUSED,
            /** The connection failed under the transfer: worth one more try on the next connection. */
            LINK_LOST,
            /** Anything else: no connection in time, the bundle unreadable, the console failing on its side. */
            FAILED
        }

        private final Kind kind;

        public UploadException(String message, Kind kind) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}
