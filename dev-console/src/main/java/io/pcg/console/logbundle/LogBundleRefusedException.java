package io.pcg.console.logbundle;

/** An upload the console will not store; the message says what is wrong and never quotes the bundle. */
public class LogBundleRefusedException extends Exception {

    /** What kind of refusal it is; the gRPC service maps each to its status (gateway.proto, UploadLogBundle). */
    public enum Reason {
        /** The messages do not follow the protocol (header first and once, chunks of 1 byte to 1 MiB). */
        MALFORMED,
        /** The command id is not an unfinished logs.collect command of this gateway. */
        NOT_EXPECTED,
        /** More than the console stores. */
        TOO_LARGE,
        /** The bytes do not add up to the declared size or SHA-256. */
        CORRUPTED
    }

    private final Reason reason;

    public LogBundleRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
