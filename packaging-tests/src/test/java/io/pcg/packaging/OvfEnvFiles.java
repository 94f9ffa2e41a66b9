package io.pcg.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OVF environments as vSphere writes them: the installer's sample documents (installer/src/test/resources/ovf-env/),
 * the secrets in them, and copies with the values a test's operator typed into the wizard.
 */
final class OvfEnvFiles {

    /** Every property valid, behind an authenticating proxy. */
    static final String PROXIED = "installer/src/test/resources/ovf-env/vsphere-proxy.xml";
    /** Eight invalid properties. */
    static final String INVALID = "installer/src/test/resources/ovf-env/invalid-everything.xml";

    static final String PIN = "K7Q2M9ZX";
    static final String PROXY_PASSWORD = "S3cr@tPw";
    static final String PROXY_PASSWORD_ENCODED = "S3cr%40tPw";
    static final String PROXY = "http://pcguser:" + PROXY_PASSWORD_ENCODED + "@proxy.example.com:3128";

    private OvfEnvFiles() {}

    /** {@link #PROXIED} with the given properties (by key) set to other values, written to {@code file}. */
    static Path proxiedWith(Map<String, String> values, Path file) throws IOException {
        String xml = Files.readString(RepoFiles.path(PROXIED));
        for (Map.Entry<String, String> value : values.entrySet()) {
            Matcher property = Pattern.compile("(oe:key=\"" + Pattern.quote(value.getKey()) + "\" oe:value=\")[^\"]*\"")
                    .matcher(xml);
            if (!property.find()) {
                throw new IllegalArgumentException(PROXIED + " has no property " + value.getKey());
            }
            String escaped = value.getValue()
                    .replace("&", "&amp;")
                    .replace("\"", "&quot;")
                    .replace("<", "&lt;");
            xml = property.replaceFirst("$1" + Matcher.quoteReplacement(escaped) + "\"");
        }
        return Files.writeString(file, xml);
    }
}
