package io.pcg.common.proxy;

import io.pcg.common.errors.ErrorText;
import io.pcg.common.secrets.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An HTTP proxy as operators write it in HTTP_PROXY/HTTPS_PROXY: {@code http://[user:password@]host[:port]}.
 * The password is a {@link Secret}; {@link #toString()} and every error message show the URL with it redacted.
 *
 * @param host     proxy host name or IP literal (IPv6 without brackets)
 * @param port     proxy port; 80 when the URL names none, as for any http URL
 * @param username empty when the proxy needs no authentication
 * @param password empty when the proxy needs no authentication
 */
public record ProxyUrl(String host, int port, String username, Secret password) {

    static final int DEFAULT_PORT = 80;

    public boolean hasCredentials() {
        return !username.isEmpty();
    }

    /**
     * Parses a proxy URL.
     *
     * @throws IllegalArgumentException saying what is wrong and how a valid value looks; the password never appears
     */
    public static ProxyUrl parse(String text) {
        String value = text == null ? "" : text.trim();
        String shown = redact(value);
        String example = " Expected http://[user:password@]host:port, e.g. http://proxy.example.com:3128";
        if (value.isEmpty()) {
            throw new IllegalArgumentException("proxy URL is empty." + example);
        }
        if (!value.contains("://")) {
            throw new IllegalArgumentException("proxy URL " + ErrorText.quote(shown) + " has no scheme." + example);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("proxy URL " + ErrorText.quote(shown) + " is not a valid URL"
                    + " (special characters in the user name or password must be percent-encoded, e.g. @ as %40)."
                    + example);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "proxy URL " + ErrorText.quote(shown) + " uses scheme " + ErrorText.quote(uri.getScheme())
                            + ": only http:// proxies are supported (HTTPS traffic is tunnelled through them with CONNECT)."
                            + example);
        }
        if (uri.getHost() == null || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("proxy URL " + ErrorText.quote(shown) + " has no host." + example);
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !"/".equals(path))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("proxy URL " + ErrorText.quote(shown)
                    + " has a path or query; remove everything after host:port." + example);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("proxy URL " + ErrorText.quote(shown) + " has port " + port
                    + ", which must be from 1 to 65535." + example);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return new ProxyUrl(host, port, "", Secret.empty());
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        Secret password = Secret.of(colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
        if (user.isEmpty()) {
            throw new IllegalArgumentException(
                    "proxy URL " + ErrorText.quote(shown) + " has a password but no user name." + example);
        }
        return new ProxyUrl(host, port, user, password);
    }

    /** Parses an optional setting: blank means no proxy. */
    public static Optional<ProxyUrl> parseOptional(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text));
    }

    /** The URL as it may be shown to people: credentials, if any, reduced to the user name. */
    public static String redact(String url) {
        if (url == null) {
            return "";
        }
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int at = url.lastIndexOf('@');
        int pathStart = url.indexOf('/', authorityStart);
        if (at < authorityStart || (pathStart >= 0 && at > pathStart)) {
            return url;
        }
        String userInfo = url.substring(authorityStart, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return url.substring(0, authorityStart) + user + (colon < 0 ? "" : ":" + Secret.REDACTED) + url.substring(at);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The proxy as {@code http://user:<redacted>@host:port}: safe for logs. */
    @Override
    public String toString() {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + (hasCredentials() ? username + ":" + Secret.REDACTED + "@" : "") + hostPart + ":" + port;
    }
}
