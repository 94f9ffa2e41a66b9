package io.pcg.cli.doctor;

import io.pcg.common.proxy.ProxyUrl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * A TCP connection to a host as the agent makes it: directly, or through the HTTP proxy with CONNECT (basic auth
 * when the proxy URL has credentials). Failures say which hop failed.
 */
final class Tunnel {

    /** Why no connection came about. */
    enum Failure {
        /** Nothing answered at the proxy's host:port. */
        PROXY_UNREACHABLE,
        /** The proxy answered 407 (or 401): the credentials are wrong or missing. */
        PROXY_AUTH_FAILED,
        /** The proxy answered something else than 200 to CONNECT (403: not allowed; 502/503/504: it could not connect). */
        PROXY_REFUSED,
        /** Directly: the host did not accept the connection. */
        TARGET_UNREACHABLE
    }

    static final class TunnelException extends IOException {
        private final Failure failure;
        private final int proxyStatus;

        TunnelException(Failure failure, String message, int proxyStatus, Throwable cause) {
            super(message, cause);
            this.failure = failure;
            this.proxyStatus = proxyStatus;
        }

        Failure failure() {
            return failure;
        }

        /** The proxy's answer to CONNECT; 0 when it gave none. */
        int proxyStatus() {
            return proxyStatus;
        }
    }

    /** Longest proxy answer header read: anything longer is not an HTTP proxy. */
    private static final int MAX_HEADER = 16 * 1024;

    private Tunnel() {}

    static Socket open(HostPort target, Optional<ProxyUrl> proxy, Duration timeout) throws TunnelException {
        if (proxy.isEmpty()) {
            try {
                return connect(target.host(), target.port(), timeout);
            } catch (IOException e) {
                throw new TunnelException(
                        Failure.TARGET_UNREACHABLE, "cannot connect to " + target + ": " + describe(e), 0, e);
            }
        }
        ProxyUrl via = proxy.get();
        Socket socket;
        try {
            socket = connect(via.host(), via.port(), timeout);
        } catch (IOException e) {
            throw new TunnelException(
                    Failure.PROXY_UNREACHABLE, "cannot connect to the proxy " + via + ": " + describe(e), 0, e);
        }
        try {
            String statusLine = connectThrough(socket, target, via);
            int status = status(statusLine);
            if (status == 200) {
                return socket;
            }
            socket.close();
            Failure failure = status == 407 || status == 401 ? Failure.PROXY_AUTH_FAILED : Failure.PROXY_REFUSED;
            throw new TunnelException(
                    failure,
                    "the proxy " + via + " answered CONNECT " + target + " with '" + statusLine + "'",
                    status,
                    null);
        } catch (TunnelException e) {
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new TunnelException(
                    Failure.PROXY_REFUSED,
                    "the proxy " + via + " did not answer CONNECT " + target + ": " + describe(e),
                    0,
                    e);
        }
    }

    private static Socket connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Sends CONNECT and reads the answer's header byte by byte: what follows it belongs to the tunnel. */
    private static String connectThrough(Socket socket, HostPort target, ProxyUrl proxy) throws IOException {
        StringBuilder request = new StringBuilder()
                .append("CONNECT ")
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(target)
                .append("\r\n");
        if (proxy.hasCredentials()) {
            String credentials = proxy.username() + ":" + proxy.password().reveal();
            request.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        while (header.size() < MAX_HEADER) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the proxy closed the connection without an answer");
            }
            header.write(next);
            String soFar = header.toString(StandardCharsets.ISO_8859_1);
            if (soFar.endsWith("\r\n\r\n") || soFar.endsWith("\n\n")) {
                return soFar.lines().findFirst().orElse("").trim();
            }
        }
        throw new IOException(
                "the proxy's answer header is longer than " + MAX_HEADER + " bytes: is it an HTTP proxy?");
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException(
                    "the proxy did not answer HTTP ('" + statusLine + "'): is HTTPS_PROXY an HTTP proxy?");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the proxy answered '" + statusLine + "', which has no status code");
        }
    }

    static String describe(Exception e) {
        if (e instanceof java.net.UnknownHostException) {
            return e.getMessage() + " does not resolve";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }
}
