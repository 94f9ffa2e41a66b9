package io.pcg.agent.logbundle;

/** Sends a bundle to the console, tied to the command it answers; the gRPC adapter is {@code grpc.GrpcBundleUpload}. */
public interface BundleUpload {

    /** What the console stored. */
    record Receipt(String bundleId, long sizeBytes, String sha256) {
    }

    /**
     * Sends the whole bundle and waits for the console's receipt.
     *
     * @throws UploadException when the console refused it or the transfer broke off; nothing is stored then
     */
    Receipt send(String commandId, LogBundle bundle) throws UploadException;

    /** Why an upload did not end with a receipt. */
    final class UploadException extends Exception {

        private final boolean linkLost;

        /**
         * @param linkLost true when the connection failed under the transfer (worth one more try on the next one),
         *                 false when the console refused the bundle or the agent could not send it at all
         */
        public UploadException(String message, boolean linkLost) {
            super(message);
            this.linkLost = linkLost;
        }

        public boolean linkLost() {
            return linkLost;
        }
    }
}
