package io.pcg.agent.link;

/**
 * Everything that can keep the agent from pairing or from holding its control stream, each with what it means
 * and what the operator does about it. The code (the constant's name) is what the health endpoint and the log show,
 * so support can search for it. {@link #retryable()} says whether the agent keeps trying on its own.
 */
public enum ConnectionProblem {
    ENDPOINT_INVALID(
            false,
            "the console endpoint setting is invalid",
            "Fix the Console endpoint property: https://host[:port] with no path and no trailing slash. "
                    + "Power down and delete the installer VM and redeploy it with the corrected value."),
    CONFIG_INVALID(
            false,
            "the agent configuration is invalid",
            "Correct the setting named above (OVF property or /etc/pcg/agent.yml), then restart the agent or redeploy the installer VM."),
    DNS_FAILURE(
            true,
            "a host name could not be resolved",
            "Check the host name for typos and that the VM's DNS servers can resolve it (e.g. with 'getent hosts <name>' on the VM)."),
    TCP_CONNECT_FAILED(
            true,
            "no TCP connection to the console",
            "Check that the VM has outbound connectivity on port 443 to the console (firewall, routing), or set HTTPS_PROXY "
                    + "if outbound traffic must go through a proxy."),
    TLS_FAILED(
            true,
            "the TLS handshake with the console failed",
            "Check that the endpoint is the console itself and that nothing intercepts TLS on the way (a TLS-inspecting proxy "
                    + "needs its CA trusted); if the console uses a private CA, set pcg.agent.console-ca-file."),
    PROXY_UNREACHABLE(
            true,
            "the HTTP proxy cannot be reached",
            "Check the host and port in HTTPS_PROXY and that the proxy is running and reachable from the VM."),
    PROXY_REFUSED(
            true,
            "the HTTP proxy refused to open a tunnel to the console",
            "Allow HTTP CONNECT to the console host on port 443 in the proxy's rules, or add the console to NO_PROXY "
                    + "if it is reachable directly."),
    PROXY_AUTH_FAILED(
            true,
            "the HTTP proxy rejected the credentials",
            "Correct the user name and password in HTTPS_PROXY (http://user:password@proxy:port; percent-encode special "
                    + "characters), then power down and delete the installer VM and redeploy it with the corrected proxy properties."),
    PIN_INVALID(
            false,
            "the console rejected the pairing code",
            "Compare the Pairing Code property with the PIN shown in the tenant portal. Power down and delete the installer VM "
                    + "and redeploy it with the correct PIN; after 5 wrong PINs the gateway record is locked."),
    PIN_EXPIRED(
            false,
            "the pairing code has expired",
            "Generate a new PIN for this gateway in the tenant portal, then power down and delete the installer VM "
                    + "and redeploy it with the new Pairing Code."),
    PIN_USED(
            false,
            "the pairing code was already used",
            "PINs are single use. Generate a new PIN for this gateway in the tenant portal, then power down and delete "
                    + "the installer VM and redeploy it with the new Pairing Code."),
    LOCKED_OUT(
            false,
            "the gateway record is locked after too many wrong pairing codes",
            "Generate a new PIN in the tenant portal (this unlocks the record) or create a new gateway, then power down "
                    + "and delete the installer VM and redeploy it with the new Pairing Code."),
    UNKNOWN_GATEWAY(
            false,
            "the console has no gateway with this installer name",
            "The Installer Name property must match the gateway created in the tenant portal. Power down and delete the "
                    + "installer VM and redeploy it with the right name."),
    CSR_REJECTED(
            false,
            "the console rejected the agent's certificate request",
            "This is a bug or a version mismatch between agent and console: collect the logs and open a support ticket."),
    CERTIFICATE_REJECTED(
            true,
            "the console rejected the agent's client certificate",
            "The gateway may have been deleted in the tenant portal or its certificate revoked. Deploy a new installer VM "
                    + "with a fresh PIN; if the gateway still exists, collect the logs and open a support ticket."),
    CERTIFICATE_EXPIRED(
            false,
            "the agent's client certificate has expired",
            "The agent renews its certificate by itself at 2/3 of its life, so it was offline (or its clock was wrong) for "
                    + "too long. Check the VM's time (NTP), then pair again: in the tenant portal generate a new PIN for this "
                    + "gateway, then on the VM stop pcg-agent, delete /var/lib/pcg/identity, set pcg.agent.pairing-code in "
                    + "/etc/pcg/agent.yml to the new PIN and start pcg-agent."),
    REVOKED(
            false,
            "the console revoked this gateway",
            "An admin revoked the gateway in the tenant portal; the agent will not reconnect by itself. If the gateway "
                    + "should come back, generate a new PIN for it, then on the VM stop pcg-agent, delete "
                    + "/var/lib/pcg/identity, set pcg.agent.pairing-code in /etc/pcg/agent.yml to the new PIN and start pcg-agent."),
    DELETED(
            false,
            "the gateway was deleted in the console and this appliance is unpaired",
            "Its identity is gone and the agent will not connect again by itself. Delete the gateway's VMs in vSphere; "
                    + "to use this appliance again, create a gateway in the tenant portal and pair again with its new PIN: "
                    + "set pcg.agent.pairing-code in /etc/pcg/agent.yml to the PIN and restart pcg-agent (docs/agent.md, "
                    + "\"Pairing again\")."),
    CONSOLE_UNAVAILABLE(
            true,
            "the console is unavailable or closed the connection",
            "Usually transient: the agent reconnects by itself. If it lasts, check the console's status page and the VM's "
                    + "outbound connectivity.");

    private final boolean retryable;
    private final String summary;
    private final String hint;

    ConnectionProblem(boolean retryable, String summary, String hint) {
        this.retryable = retryable;
        this.summary = summary;
        this.hint = hint;
    }

    /** True when the agent retries by itself (with backoff); false when only an operator can fix it. */
    public boolean retryable() {
        return retryable;
    }

    public String summary() {
        return summary;
    }

    public String hint() {
        return hint;
    }
}
