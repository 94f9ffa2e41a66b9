package io.pcg.common.proxy;

import java.util.Map;
import java.util.Optional;

/**
 * The proxy settings a process got from its environment, read the way curl and Go do: upper-case
 * {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} first, then their lower-case forms.
 */
public record ProxySettings(Optional<ProxyUrl> httpProxy, Optional<ProxyUrl> httpsProxy, NoProxy noProxy) {

    public static final ProxySettings DIRECT = new ProxySettings(Optional.empty(), Optional.empty(), NoProxy.none());

    /**
     * @throws IllegalArgumentException naming the variable and the problem, never the password
     */
    public static ProxySettings fromEnvironment(Map<String, String> environment) {
        return new ProxySettings(
                parse(environment, "HTTP_PROXY"),
                parse(environment, "HTTPS_PROXY"),
                NoProxy.parse(variable(environment, "NO_PROXY")));
    }

    private static Optional<ProxyUrl> parse(Map<String, String> environment, String name) {
        try {
            return ProxyUrl.parseOptional(variable(environment, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static String variable(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value != null ? value : environment.getOrDefault(name.toLowerCase(), "");
    }

    /** The proxy to use for {@code host} over {@code https} or {@code http}; empty means connect directly. */
    public Optional<ProxyUrl> proxyFor(String scheme, String host) {
        if (noProxy.matches(host)) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(scheme) ? httpsProxy : httpProxy;
    }
}
