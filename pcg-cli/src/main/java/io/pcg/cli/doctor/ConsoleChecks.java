package io.pcg.cli.doctor;

import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.proxy.ProxyUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The way to the console, hop by hop as the agent takes it: the name, the proxy (reachable, credentials, CONNECT),
 * then TLS with HTTP/2. The console (SaaS or dev-console) serves no {@code grpc.health.v1}, so a verified TLS
 * handshake that agrees on HTTP/2 (ALPN {@code h2}, which gRPC needs) is the reachability check.
 */
final class ConsoleChecks {

    static final String ENDPOINT = "console endpoint";
    static final String DNS = "console DNS";
    static final String PROXY_REACHABLE = "proxy reachable";
    static final String PROXY_AUTHENTICATION = "proxy authentication";
    static final String PROXY_CONNECT = "proxy CONNECT";
    static final String CONSOLE_TLS = "console TLS";

    private static final String PROXY_FILES = "HTTPS_PROXY in /etc/environment and"
            + " /etc/systemd/system/pcg-agent.service.d/proxy.conf, then 'sudo systemctl restart pcg-agent'";

    private final DoctorSettings settings;

    ConsoleChecks(DoctorSettings settings) {
        this.settings = settings;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        ConsoleEndpoint endpoint;
        try {
            endpoint = ConsoleEndpoint.parse(settings.consoleEndpoint());
        } catch (IllegalArgumentException e) {
            results.add(CheckResult.fail(
                    ENDPOINT,
                    e.getMessage(),
                    "pcg.agent.console-endpoint in " + settings.configFile()
                            + " comes from the OVF property: redeploy the OVA with the correct console endpoint"));
            return results;
        }
        HostPort console = new HostPort(endpoint.host(), endpoint.port());
        results.add(dns(endpoint.host()));
        Optional<ProxyUrl> proxy = settings.proxy().proxyFor("https", endpoint.host());
        if (proxy.isPresent()) {
            List<CheckResult> proxyResults = proxy(console, proxy.get());
            results.addAll(proxyResults);
            if (proxyResults.stream().anyMatch(result -> result.outcome() == Outcome.FAIL)) {
                results.add(CheckResult.skip(CONSOLE_TLS, "needs the proxy checks above to pass"));
                return results;
            }
        }
        results.add(tls(console, proxy));
        return results;
    }

    private CheckResult dns(String host) {
        if (isAddress(host)) {
            return CheckResult.pass(DNS, host + " is an address, nothing to resolve");
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            return CheckResult.pass(
                    DNS,
                    host + " resolves to "
                            + Arrays.stream(addresses)
                                    .map(InetAddress::getHostAddress)
                                    .collect(Collectors.joining(", ")));
        } catch (UnknownHostException e) {
            return CheckResult.fail(
                    DNS,
                    host + " does not resolve",
                    "check the name in pcg.agent.console-endpoint (" + settings.configFile()
                            + ") and the VM's DNS servers"
                            + " ('resolvectl status'); the gateway needs a DNS that resolves public names such as api.spectrocloud.com");
        }
    }

    private List<CheckResult> proxy(HostPort console, ProxyUrl proxy) {
        List<CheckResult> results = new ArrayList<>();
        try {
            Tunnel.closeQuietly(Tunnel.open(console, Optional.of(proxy), settings.timeout()));
            results.add(CheckResult.pass(PROXY_REACHABLE, proxy + " accepts connections"));
            results.add(CheckResult.pass(
                    PROXY_AUTHENTICATION,
                    proxy.hasCredentials()
                            ? "the proxy accepted the credentials of " + proxy.username()
                            : "the proxy asks for none"));
            results.add(CheckResult.pass(PROXY_CONNECT, "the proxy opened a tunnel to " + console));
        } catch (Tunnel.TunnelException e) {
            switch (e.failure()) {
                case PROXY_UNREACHABLE -> {
                    results.add(CheckResult.fail(
                            PROXY_REACHABLE,
                            e.getMessage(),
                            "check the proxy's host and port in " + PROXY_FILES
                                    + "; is the proxy up and reachable from this VM's network?"));
                    results.add(CheckResult.skip(PROXY_AUTHENTICATION, "needs the proxy to be reachable"));
                    results.add(CheckResult.skip(PROXY_CONNECT, "needs the proxy to be reachable"));
                }
                case PROXY_AUTH_FAILED -> {
                    results.add(CheckResult.pass(PROXY_REACHABLE, proxy + " accepts connections"));
                    results.add(CheckResult.fail(
                            PROXY_AUTHENTICATION,
                            proxy.hasCredentials()
                                    ? "wrong proxy credentials: " + e.getMessage()
                                    : "the proxy requires credentials and HTTPS_PROXY has none: " + e.getMessage(),
                            "set the right user and password as http://user:password@host:port (percent-encode @ : / in"
                                    + " the password) in " + PROXY_FILES));
                    results.add(CheckResult.skip(PROXY_CONNECT, "needs the proxy to accept the credentials"));
                }
                case PROXY_REFUSED, TARGET_UNREACHABLE -> {
                    results.add(CheckResult.pass(PROXY_REACHABLE, proxy + " accepts connections"));
                    results.add(CheckResult.pass(PROXY_AUTHENTICATION, "the proxy did not ask for other credentials"));
                    results.add(CheckResult.fail(
                            PROXY_CONNECT,
                            e.getMessage(),
                            e.proxyStatus() >= 500
                                    ? "the proxy could not reach " + console
                                            + ": allow outbound 443 from the proxy to it"
                                    : "allow CONNECT to " + console
                                            + " on the proxy (port 443 must be an allowed CONNECT port),"
                                            + " or add the console's host to NO_PROXY if this VM reaches it directly"));
                }
            }
        }
        return results;
    }

    private CheckResult tls(HostPort console, Optional<ProxyUrl> proxy) {
        String via = proxy.map(p -> " through " + p).orElse(" directly");
        try (Socket tunnel = Tunnel.open(console, proxy, settings.timeout())) {
            String protocol = Tls.verifiedHandshake(tunnel, console, settings.consoleCaFiles());
            if (!Tls.HTTP2.equals(protocol)) {
                return CheckResult.fail(
                        CONSOLE_TLS,
                        console + " completed TLS" + via + " but did not agree on HTTP/2 (ALPN h2," + " got '"
                                + protocol + "'), which gRPC needs",
                        "something between this VM and the console terminates"
                                + " TLS (an inspecting proxy or load balancer): exempt the console's host from TLS inspection");
            }
            return CheckResult.pass(
                    CONSOLE_TLS, console + " reachable" + via + ": TLS verified, HTTP/2 (ALPN h2) agreed");
        } catch (Tunnel.TunnelException e) {
            return CheckResult.fail(
                    CONSOLE_TLS,
                    "console unreachable: " + e.getMessage(),
                    proxy.isPresent()
                            ? "see the proxy checks above"
                            : "open outbound TCP " + console.port() + " to " + console.host()
                                    + " on the firewall, or, if the site"
                                    + " has a proxy, redeploy with the HTTP/HTTPS PROXY OVF properties");
        } catch (SSLHandshakeException e) {
            return CheckResult.fail(
                    CONSOLE_TLS,
                    console + " refused the TLS handshake or its certificate is not trusted: " + Tunnel.describe(e),
                    "if a proxy or firewall inspects TLS, exempt the console's host; check that the"
                            + " endpoint is the console (pcg.agent.console-endpoint) and that this VM's clock is right");
        } catch (SSLException e) {
            return CheckResult.fail(
                    CONSOLE_TLS,
                    console + " does not speak TLS" + via + ": " + Tunnel.describe(e),
                    "check the port in pcg.agent.console-endpoint: the console serves TLS on 443");
        } catch (IOException | GeneralSecurityException e) {
            return CheckResult.fail(
                    CONSOLE_TLS,
                    "TLS with " + console + " failed: " + Tunnel.describe(e),
                    "check outbound 443 to the console and the 'console TLS' hints in docs/cli.md");
        }
    }

    static boolean isAddress(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
