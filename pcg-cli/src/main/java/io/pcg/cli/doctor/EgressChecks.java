package io.pcg.cli.doctor;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Outbound 443 to each endpoint the product guide asks for (the console and {@code api.spectrocloud.com}), the way the
 * agent goes (through the proxy unless NO_PROXY matches): TCP, then a TLS handshake. Reachability only: certificate
 * trust is the console TLS check's job.
 */
final class EgressChecks {

    static final String CHECK = "egress ";
    /** The product guide: "Outgoing internet connection on port 443 to api.spectrocloud.com". */
    static final List<HostPort> REQUIRED = List.of(new HostPort("api.spectrocloud.com", 443));

    private final DoctorSettings settings;

    EgressChecks(DoctorSettings settings) {
        this.settings = settings;
    }

    List<CheckResult> run() {
        return settings.egressEndpoints().stream().map(this::check).toList();
    }

    private CheckResult check(HostPort endpoint) {
        String name = CHECK + endpoint;
        var proxy = settings.proxy().proxyFor("https", endpoint.host());
        String via = proxy.map(p -> " through " + p).orElse(" directly");
        try (Socket tunnel = Tunnel.open(endpoint, proxy, settings.timeout())) {
            Tls.serverCertificate(tunnel, endpoint);
            return CheckResult.pass(name, "TLS reachable" + via);
        } catch (Tunnel.TunnelException e) {
            return CheckResult.fail(
                    name,
                    e.getMessage(),
                    switch (e.failure()) {
                        case PROXY_UNREACHABLE, PROXY_AUTH_FAILED -> "see the proxy checks above";
                        case PROXY_REFUSED -> "allow CONNECT to " + endpoint + " on the proxy";
                        case TARGET_UNREACHABLE ->
                            "open outbound TCP " + endpoint.port() + " to " + endpoint.host()
                                    + " on the firewall, or use a proxy (HTTP/HTTPS PROXY OVF properties)";
                    });
        } catch (IOException | GeneralSecurityException e) {
            return CheckResult.fail(
                    name,
                    "TCP works" + via + " but TLS failed: " + Tunnel.describe(e),
                    "something between this VM and " + endpoint.host() + " interferes with TLS on " + endpoint.port());
        }
    }
}
