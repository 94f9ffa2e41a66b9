package io.pcg.console.pairing;

import io.pcg.proto.v1.PairingError;

/** Pairing refused for one distinct reason; the message tells the operator what to do and never holds the PIN. */
public class PairingRejectedException extends Exception {

    private final PairingError reason;
    private final int attemptsLeft;

    public PairingRejectedException(PairingError reason, String message) {
        this(reason, message, 0);
    }

    public PairingRejectedException(PairingError reason, String message, int attemptsLeft) {
        super(message);
        this.reason = reason;
        this.attemptsLeft = attemptsLeft;
    }

    public PairingError reason() {
        return reason;
    }

    /** Wrong PINs still allowed; only meaningful for {@link PairingError#PAIRING_ERROR_PIN_INVALID}. */
    public int attemptsLeft() {
        return attemptsLeft;
    }
}
