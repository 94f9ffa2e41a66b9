package io.pcg.console.gateway;

/** Where a gateway is in its life, as the console shows it. */
public enum GatewayState {
    /** Created with a PIN; no agent has paired yet. */
    PENDING("Pending"),
    /** An agent paired and holds a client certificate, but has not opened the control stream yet. */
    PAIRED("Paired"),
    /** The control stream is open and heartbeats arrive. */
    ONLINE("Online"),
    /** The control stream closed or heartbeats stopped. */
    OFFLINE("Offline"),
    /** An admin revoked the gateway; it is refused until it pairs again with a new PIN. */
    REVOKED("Revoked");

    private final String label;

    GatewayState(String label) {
        this.label = label;
    }

    /** The word operators see: Pending, Paired, Online, Offline, Revoked. */
    public String label() {
        return label;
    }
}
