package io.pcg.common.console;

import io.pcg.common.errors.ErrorText;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The console's address as the operator typed it in the OVF "Console endpoint" property: {@code https://host[:port]}
 * and nothing more. The seed's troubleshooting names a trailing slash as the most common cause of a gateway that
 * never registers, so this is checked before any connection is attempted.
 */
public record ConsoleEndpoint(String host, int port) {

    /** The public SaaS console: what the OVA pre-fills and the agent uses when nothing is configured. */
    public static final String DEFAULT = "https://console.spectrocloud.com";

    public static final int DEFAULT_PORT = 443;
    private static final String EXAMPLE = "e.g. " + DEFAULT;

    /**
     * @throws IllegalArgumentException that says what is wrong and how to fix it
     */
    public static ConsoleEndpoint parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("console endpoint is empty: set it to the console URL, " + EXAMPLE);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("console endpoint " + ErrorText.quote(value) + " is not a valid URL: "
                    + e.getReason() + "; " + EXAMPLE);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("console endpoint " + ErrorText.quote(value)
                    + " must start with https:// (the agent only talks TLS on 443), " + EXAMPLE);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "console endpoint " + ErrorText.quote(value) + " has no host name, " + EXAMPLE);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("console endpoint " + ErrorText.quote(uri.getHost())
                    + " must not carry a user name or password, " + EXAMPLE);
        }
        if ("/".equals(uri.getRawPath())) {
            throw new IllegalArgumentException("console endpoint " + ErrorText.quote(value)
                    + " has a trailing slash: remove it, " + "i.e. use https://" + uri.getRawAuthority()
                    + " (a trailing slash is the most common reason a gateway never registers)");
        }
        if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "console endpoint " + ErrorText.quote(value) + " has a path, query or fragment: "
                            + "use only scheme and host, i.e. https://" + uri.getRawAuthority());
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new ConsoleEndpoint(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
    }

    /** A gRPC target string for this endpoint. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "https://" + (port == DEFAULT_PORT ? (host.contains(":") ? "[" + host + "]" : host) : authority());
    }
}
