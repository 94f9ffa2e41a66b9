package io.pcg.agent.cluster.manifest;

import io.pcg.common.proxy.NoProxy;
import io.pcg.common.proxy.ProxyUrl;
import io.pcg.common.proxy.ProxyVariables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy on every node: containerd pulls images and kubelet talks to the outside through it, and login shells
 * get it from /etc/environment. The URLs may hold the proxy password, so the file contents live in the Secret
 * {@code <cluster>-proxy} and the KubeadmControlPlane only references them; {@code clusterctl move} carries that
 * Secret along with the Cluster because its name ends in the purpose {@code proxy}.
 */
final class NodeProxy {

    /** The systemd drop-in, the same for each proxied unit. */
    private static final String DROP_IN_KEY = "http-proxy.conf";
    /** Lines appended to /etc/environment. */
    private static final String ENVIRONMENT_KEY = "environment";

    private static final List<String> PROXIED_UNITS = List.of("containerd.service", "kubelet.service");
    private static final String ETC_ENVIRONMENT = "/etc/environment";

    private NodeProxy() {}

    static String secretName(String cluster) {
        return cluster + "-proxy";
    }

    private static String dropInPath(String unit) {
        return "/etc/systemd/system/" + unit + ".d/" + DROP_IN_KEY;
    }

    /**
     * The one NO_PROXY computation ({@link NoProxy#effective}) fed with what nodes must reach directly: vCenter (the
     * cloud provider and CSI talk to it), the VIP and the node network (the nodes themselves), besides the pod and
     * service networks and local names it always adds.
     */
    private static List<String> noProxy(GatewayClusterSpec spec) {
        return NoProxy.effective(
                spec.proxy().noProxy(),
                spec.podCidr(),
                spec.serviceCidr(),
                List.of(
                        spec.vcenterHost(),
                        spec.controlPlaneVip().toString(),
                        spec.addressing().nodeNetwork().toString()));
    }

    /** The Secret's data: file contents holding the proxy URLs, credentials included. */
    static Map<String, String> secretData(GatewayClusterSpec spec) {
        Map<String, String> variables = variables(spec);
        String dropIn = "[Service]\n" + ProxyVariables.systemdEnvironment(variables);
        StringBuilder environment = new StringBuilder();
        variables.forEach((name, value) -> environment
                .append(ProxyVariables.etcEnvironmentLine(name, value))
                .append('\n'));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(DROP_IN_KEY, dropIn);
        data.put(ENVIRONMENT_KEY, environment.toString());
        return data;
    }

    /**
     * The files referencing {@link #secretData}. The drop-ins are 0600 as they hold the password; /etc/environment
     * too, which costs nothing since pam_env reads it as root.
     */
    static List<KubeadmFile> files(String cluster) {
        String secret = secretName(cluster);
        List<KubeadmFile> files = new ArrayList<>();
        for (String unit : PROXIED_UNITS) {
            files.add(KubeadmFile.fromSecret(dropInPath(unit), "0600", false, secret, DROP_IN_KEY));
        }
        files.add(KubeadmFile.fromSecret(ETC_ENVIRONMENT, "0600", true, secret, ENVIRONMENT_KEY));
        return List.copyOf(files);
    }

    /**
     * Before kubeadm: containerd is already running and must restart to see its drop-in; kubelet is started by
     * kubeadm and only needs systemd to have read the new drop-in.
     */
    static List<String> preKubeadmCommands() {
        return List.of("systemctl daemon-reload", "systemctl restart containerd");
    }

    /** Both spellings: curl and Go read the lower-case ones, most other tools the upper-case ones. */
    private static Map<String, String> variables(GatewayClusterSpec spec) {
        String http = url(spec.proxy().httpProxy().orElseThrow());
        String https = url(spec.proxy().httpsProxy().orElseThrow());
        return ProxyVariables.of(http, https, String.join(",", noProxy(spec)));
    }

    /**
     * The proxy URL as programs read it from HTTP(S)_PROXY, password included. User name and password are
     * percent-encoded, so the URL holds no quote, backslash or space whatever the password is.
     */
    private static String url(ProxyUrl proxy) {
        String host = proxy.host().contains(":") ? "[" + proxy.host() + "]" : proxy.host();
        String credentials = proxy.hasCredentials()
                ? percentEncoded(proxy.username()) + ":"
                        + percentEncoded(proxy.password().reveal()) + "@"
                : "";
        return "http://" + credentials + host + ":" + proxy.port();
    }

    /** RFC 3986 userinfo: unreserved characters stay, every other byte becomes %XX. */
    private static String percentEncoded(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }
}
