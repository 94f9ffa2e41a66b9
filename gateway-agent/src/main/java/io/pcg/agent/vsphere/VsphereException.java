package io.pcg.agent.vsphere;

import java.util.Locale;

/**
 * A vSphere failure an operator can act on: why ({@link Reason}), what happened and how to fix it.
 * Messages are built by this package and never carry the password (see {@link VsphereErrors}).
 */
public final class VsphereException extends Exception {

    /** Distinct causes the console tells apart; {@link #code()} is their stable wire form. */
    public enum Reason {
        /** DNS does not resolve, no route, or the TCP connect timed out. */
        UNREACHABLE,
        /** The host answers but nothing listens on the port. */
        CONNECTION_REFUSED,
        /** Connected, but the server did not answer within the read timeout. */
        TIMEOUT,
        /** Something answers, but it is not a vCenter SOAP endpoint (a web server, plain HTTP, an ESXi host...). */
        NOT_VCENTER,
        /** The TLS certificate is not the pinned one, or not trusted when nothing is pinned. */
        UNTRUSTED_CERTIFICATE,
        /** vCenter rejected the user name or password. */
        LOGIN_FAILED,
        /** A named vSphere object does not exist. */
        NOT_FOUND,
        /** The request itself is wrong (missing server, bad thumbprint notation, unreadable OVF...). */
        INVALID_REQUEST,
        /** vCenter answered with a fault for an operation. */
        FAULT;

        public String code() {
            return "vsphere." + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;
    private final String hint;

    public VsphereException(Reason reason, String message, String hint) {
        super(message);
        this.reason = reason;
        this.hint = hint;
    }

    public VsphereException(Reason reason, String message, String hint, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.hint = hint;
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }

    public String hint() {
        return hint;
    }
}
