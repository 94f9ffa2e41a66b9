package io.pcg.agent.link;

import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.grpc.netty.shaded.io.netty.handler.proxy.ProxyConnectException;
import io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException;
import io.pcg.proto.v1.GatewayRefusal;
import io.pcg.proto.v1.GatewayRefusalReason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns a failed gRPC call into the {@link ConnectionProblem} an operator can act on, by walking the cause chain:
 * gRPC wraps the socket, proxy and TLS exceptions of its Netty transport in an UNAVAILABLE status.
 * Exception texts are reused only from types whose messages carry host, port or protocol facts, never payloads.
 */
public final class FailureClassifier {

    private static final Pattern HTTP_STATUS = Pattern.compile("status: (\\d{3})([^,]*)");
    /** 407 is the standard answer; some proxies (tinyproxy) answer a CONNECT with bad credentials with 401. */
    private static final Set<Integer> PROXY_AUTHENTICATION_FAILED = Set.of(401, 407);

    private FailureClassifier() {}

    /**
     * @param failure     what the call failed with
     * @param target      the console as host:port, for the message
     * @param proxy       the proxy used (redacted form) or empty for a direct connection
     * @param clientCert  whether the agent presented a client certificate (control stream) or not (pairing)
     */
    public static Problem classify(Throwable failure, String target, String proxy, boolean clientCert) {
        if (clientCert) {
            Optional<GatewayRefusal> refusal = StatusDetails.find(failure, GatewayRefusal.class);
            if (refusal.isPresent()
                    && refusal.get().getReason() == GatewayRefusalReason.GATEWAY_REFUSAL_REASON_REVOKED) {
                return new Problem(
                        ConnectionProblem.REVOKED,
                        "console says: " + refusal.get().getMessage());
            }
        }
        boolean viaProxy = !proxy.isEmpty();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HttpProxyConnectException proxyAnswer) {
                Matcher status = HTTP_STATUS.matcher(String.valueOf(proxyAnswer.getMessage()));
                if (status.find()) {
                    int code = Integer.parseInt(status.group(1));
                    String answer = "proxy " + proxy + " answered " + code + status.group(2) + " to CONNECT " + target;
                    return new Problem(
                            PROXY_AUTHENTICATION_FAILED.contains(code)
                                    ? ConnectionProblem.PROXY_AUTH_FAILED
                                    : ConnectionProblem.PROXY_REFUSED,
                            answer);
                }
                return new Problem(
                        ConnectionProblem.PROXY_REFUSED, "proxy " + proxy + " did not open a tunnel to " + target);
            }
            if (cause instanceof ProxyConnectException) {
                return new Problem(
                        ConnectionProblem.PROXY_REFUSED,
                        "proxy " + proxy + " did not open a tunnel to " + target + " (" + cause.getMessage() + ")");
            }
            if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
                return new Problem(
                        ConnectionProblem.DNS_FAILURE,
                        "cannot resolve " + (cause.getMessage() == null ? target : cause.getMessage()));
            }
            if (cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof SocketTimeoutException) {
                return viaProxy
                        ? new Problem(
                                ConnectionProblem.PROXY_UNREACHABLE,
                                "cannot connect to proxy " + proxy + " (" + cause.getMessage() + ")")
                        : new Problem(
                                ConnectionProblem.TCP_CONNECT_FAILED,
                                "cannot connect to " + target + " (" + cause.getMessage() + ")");
            }
            if (cause instanceof SSLException
                    || cause instanceof NotSslRecordException
                    || cause instanceof CertificateException) {
                String message = String.valueOf(cause.getMessage());
                if (clientCert && message.contains("Received fatal alert")) {
                    return new Problem(
                            ConnectionProblem.CERTIFICATE_REJECTED,
                            target + " refused the TLS client certificate (" + message + ")");
                }
                return new Problem(ConnectionProblem.TLS_FAILED, "with " + target + ": " + tlsReason(cause));
            }
        }
        Status status = Status.fromThrowable(failure);
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        return switch (status.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                clientCert
                        ? new Problem(
                                ConnectionProblem.CERTIFICATE_REJECTED,
                                target + " answered " + status.getCode() + description)
                        : new Problem(
                                ConnectionProblem.CONSOLE_UNAVAILABLE,
                                target + " answered " + status.getCode() + description);
            case DEADLINE_EXCEEDED ->
                new Problem(ConnectionProblem.CONSOLE_UNAVAILABLE, target + " did not answer in time" + description);
            case UNAVAILABLE ->
                description.contains("negotiation") || description.contains("TLS")
                        ? new Problem(
                                ConnectionProblem.TLS_FAILED,
                                "with " + target + description + " (is it a TLS endpoint?)")
                        : new Problem(ConnectionProblem.CONSOLE_UNAVAILABLE, target + description);
            default ->
                new Problem(
                        ConnectionProblem.CONSOLE_UNAVAILABLE, target + " answered " + status.getCode() + description);
        };
    }

    /** The stream ended without an error: the console closed it (e.g. while shutting down). */
    public static Problem closedByConsole(String target) {
        return new Problem(ConnectionProblem.CONSOLE_UNAVAILABLE, target + " closed the control stream");
    }

    /** The most telling reason in the rest of the chain: the TLS engine's own message is often generic. */
    private static String tlsReason(Throwable sslFailure) {
        if (sslFailure instanceof NotSslRecordException) {
            return "the server does not speak TLS";
        }
        for (Throwable cause = sslFailure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("No subject alternative") || message.contains("No name matching")) {
                return "the console's certificate does not match the host name (" + message + ")";
            }
            if (message.contains("PKIX")
                    || message.contains("certification path")
                    || cause instanceof CertificateException) {
                return "the console's certificate is not trusted (" + message + ")";
            }
        }
        return String.valueOf(sslFailure.getMessage());
    }
}
