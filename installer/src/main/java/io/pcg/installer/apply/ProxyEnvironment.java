package io.pcg.installer.apply;

import io.pcg.common.proxy.ProxyVariables;
import io.pcg.installer.validation.InstallerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proxy variables every program on the appliance reads, in both spellings (curl and Go honour the lower-case
 * ones, most Java and systemd tooling the upper-case ones), rendered for /etc/environment and for systemd drop-ins.
 */
public final class ProxyEnvironment {

    public static final String ETC_ENVIRONMENT = "/etc/environment";
    public static final List<String> PROXIED_UNITS =
            List.of("containerd.service", "kubelet.service", "pcg-agent.service");
    private static final Set<String> NAMES =
            Set.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");

    private ProxyEnvironment() {}

    public static String dropInPath(String unit) {
        return "/etc/systemd/system/" + unit + ".d/proxy.conf";
    }

    static Map<String, String> variables(InstallerSettings settings) {
        String http = settings.httpProxy().orElseThrow().url().reveal();
        String https = settings.httpsProxy().orElseThrow().url().reveal();
        return ProxyVariables.of(http, https, String.join(",", settings.effectiveNoProxy()));
    }

    /** A systemd drop-in setting the variables; '%' is doubled because systemd would read it as a specifier. */
    public static String systemdDropIn(InstallerSettings settings) {
        StringBuilder text = new StringBuilder(
                "# Written by pcg-installer from the OVF proxy properties. Holds the proxy URL: keep it 0600.\n[Service]\n");
        return text.append(ProxyVariables.systemdEnvironment(variables(settings)))
                .toString();
    }

    /** /etc/environment with the proxy variables replaced and every other line kept as it was. */
    public static String etcEnvironment(String existing, InstallerSettings settings) {
        List<String> lines = new ArrayList<>();
        for (String line : existing.split("\n", -1)) {
            int equals = line.indexOf('=');
            String name = equals < 0 ? "" : line.substring(0, equals).strip();
            if (!NAMES.contains(name) && !line.isEmpty()) {
                lines.add(line);
            }
        }
        variables(settings).forEach((name, value) -> lines.add(ProxyVariables.etcEnvironmentLine(name, value)));
        return String.join("\n", lines) + "\n";
    }
}
