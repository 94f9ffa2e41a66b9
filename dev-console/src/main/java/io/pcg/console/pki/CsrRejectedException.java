package io.pcg.console.pki;

/** The agent's CSR cannot be signed; the message says why and is safe to send back to the agent. */
public class CsrRejectedException extends Exception {

    public CsrRejectedException(String message) {
        super(message);
    }

    public CsrRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
