package io.pcg.common.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The proxy environment variables, as the appliance and the gateway cluster's nodes both set them: both spellings
 * (curl and Go honour the lower-case ones, most Java and systemd tooling the upper-case ones), and their forms for
 * {@code /etc/environment} and systemd drop-ins. The values hold the proxy password: never log them.
 */
public final class ProxyVariables {

    private ProxyVariables() {}

    /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY in both spellings, in that order. */
    public static Map<String, String> of(String httpProxyUrl, String httpsProxyUrl, String noProxy) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("HTTP_PROXY", httpProxyUrl);
        variables.put("HTTPS_PROXY", httpsProxyUrl);
        variables.put("NO_PROXY", noProxy);
        variables.put("http_proxy", httpProxyUrl);
        variables.put("https_proxy", httpsProxyUrl);
        variables.put("no_proxy", noProxy);
        return variables;
    }

    /**
     * One {@code Environment="NAME=value"} line per variable: backslash and quote escaped, '%' doubled because
     * systemd reads it as a specifier.
     */
    public static String systemdEnvironment(Map<String, String> variables) {
        StringBuilder lines = new StringBuilder();
        variables.forEach((name, value) -> lines.append("Environment=\"")
                .append(name)
                .append('=')
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%"))
                .append("\"\n"));
        return lines.toString();
    }

    /** One {@code NAME="value"} line per variable, as /etc/environment holds them. */
    public static String etcEnvironmentLine(String name, String value) {
        return name + "=\"" + value + "\"";
    }
}
