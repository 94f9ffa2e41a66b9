package io.pcg.agent.vsphere;

import io.pcg.common.secrets.Secret;
import io.pcg.vsphere.soap.Thumbprints;
import java.net.URI;
import java.util.Locale;

/**
 * Where and as whom to log in. {@code thumbprint} pins the server certificate (SHA-256 or SHA-1, any notation);
 * {@code null} means the certificate must chain to the JDK trust store.
 */
public record VsphereLogin(String host, int port, String username, Secret password, String thumbprint) {

    public static final int DEFAULT_PORT = 443;

    public VsphereLogin {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(
                    "the vCenter server is empty: give its host name or IP, e.g. vcenter.example.com");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("vCenter port " + port + " is out of range 1-65535");
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("the vCenter user name is empty, e.g. administrator@vsphere.local");
        }
        password = password == null ? Secret.empty() : password;
        thumbprint = thumbprint == null || thumbprint.isBlank() ? null : thumbprint.trim();
        if (thumbprint != null) {
            Thumbprints.normalize(thumbprint);
        }
    }

    /**
     * Accepts what admins type: {@code vc.example.com}, {@code vc.example.com:8443}, {@code 10.0.0.5},
     * {@code [fd00::5]:443} or a URL such as {@code https://vc.example.com/sdk}.
     */
    public static VsphereLogin of(String server, String username, Secret password, String thumbprint) {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException(
                    "the vCenter server is empty: give its host name or IP, e.g. vcenter.example.com");
        }
        String text = server.trim();
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + server + "' is not a host name, IP or https URL", e);
        }
        if (uri.getHost() == null || !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "'" + server + "' is not a host name, IP or https URL (e.g. vcenter.example.com)");
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new VsphereLogin(
                host, uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), username, password, thumbprint);
    }

    /** {@code host:port} with IPv6 literals bracketed, for URLs and messages. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public URI sdkUri() {
        return URI.create("https://" + authority() + "/sdk");
    }

    public URI restUri(String path) {
        return URI.create("https://" + authority() + "/rest" + path);
    }
}
