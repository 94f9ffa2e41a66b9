package io.pcg.installer;

import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironment;
import io.pcg.installer.ovf.OvfProperty;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/** Builds ovf-env.xml documents as vSphere writes them: valid values by default, any property overridden. */
public final class OvfEnvFixture {

    public static final String PIN = "K7Q2M9ZX";
    public static final String PROXY_PASSWORD = "S3cr@tPw";
    public static final String PROXY_PASSWORD_ENCODED = "S3cr%40tPw";
    public static final String PROXY = "http://pcguser:" + PROXY_PASSWORD_ENCODED + "@proxy.example.com:3128";
    public static final String ED25519 =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKCLnA/48jNjiH33YNtFusZt3CwLoyrD7zSZ8nGrdA90 ops@example";
    public static final String ED25519_FINGERPRINT = "SHA256:guhFcE7XkpEP4xTDk0VorKdwyr1VSmXe08iMKWvYXQ4";
    public static final String VM_NETWORK = "10.10.0.7/24";

    private final Map<OvfProperty, String> values = new EnumMap<>(OvfProperty.class);

    private OvfEnvFixture() {
        values.put(OvfProperty.INSTALLER_NAME, "vcenter-dc1");
        values.put(OvfProperty.CONSOLE_ENDPOINT, "https://console.example.com");
        values.put(OvfProperty.PAIRING_CODE, PIN);
        values.put(OvfProperty.SSH_PUBLIC_KEY, ED25519);
        values.put(OvfProperty.POD_CIDR, "192.168.0.0/16");
        values.put(OvfProperty.SERVICE_CIDR, "10.96.0.0/12");
        values.put(OvfProperty.HTTP_PROXY, "");
        values.put(OvfProperty.HTTPS_PROXY, "");
        values.put(OvfProperty.NO_PROXY, "");
    }

    /** Every property valid, direct connection. */
    public static OvfEnvFixture valid() {
        return new OvfEnvFixture();
    }

    /** Every property valid, behind an authenticating proxy. */
    public static OvfEnvFixture validWithProxy() {
        return valid().with(OvfProperty.HTTP_PROXY, PROXY)
                .with(OvfProperty.HTTPS_PROXY, PROXY)
                .with(OvfProperty.NO_PROXY, "vcenter.example.com,.example.org,10.20.0.0/16");
    }

    public OvfEnvFixture with(OvfProperty property, String value) {
        values.put(property, value);
        return this;
    }

    public OvfEnvFixture without(OvfProperty property) {
        values.remove(property);
        return this;
    }

    public String xml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Environment xmlns=\"")
                .append(OvfEnvironment.NAMESPACE)
                .append("\" xmlns:oe=\"")
                .append(OvfEnvironment.NAMESPACE)
                .append("\" oe:id=\"\">\n  <PropertySection>\n");
        values.forEach((property, value) -> xml.append("    <Property oe:key=\"")
                .append(property.key())
                .append("\" oe:value=\"")
                .append(escape(value))
                .append("\"/>\n"));
        return xml.append("  </PropertySection>\n</Environment>\n").toString();
    }

    public OvfEnvironment parse() throws InvalidOvfEnvironmentException {
        return OvfEnvironment.parse(xml().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
