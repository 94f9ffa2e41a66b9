package io.pcg.installer.ovf;

import io.pcg.common.agentconfig.AgentConfigKeys;
import io.pcg.common.console.ConsoleEndpoint;
import java.util.Arrays;
import java.util.Optional;

/**
 * The OVA's vApp properties: the seed's two property tables. The keys are fixed, because automation sets them by
 * name ({@code govc import.spec}, {@code ovftool --prop:pcg.pairingCode=...}); the labels are what the operator sees
 * in the vSphere "Customize template" step, so every error message names the property by its label.
 * {@code ova-build/ovf/product-section.xml} declares the same properties; a test keeps the two in step.
 */
public enum OvfProperty {
    INSTALLER_NAME("pcg.installerName", "Installer Name", false, ""),
    CONSOLE_ENDPOINT("pcg.consoleEndpoint", "Console endpoint", false, ConsoleEndpoint.DEFAULT),
    PAIRING_CODE("pcg.pairingCode", "Pairing Code", true, ""),
    SSH_PUBLIC_KEY("pcg.sshPublicKey", "SSH Public Key", false, ""),
    POD_CIDR("pcg.podCidr", "Pod CIDR", false, AgentConfigKeys.DEFAULT_POD_CIDR),
    SERVICE_CIDR("pcg.serviceCidr", "Service cluster IP range", false, AgentConfigKeys.DEFAULT_SERVICE_CIDR),
    HTTP_PROXY("pcg.httpProxy", "HTTP PROXY", false, ""),
    HTTPS_PROXY("pcg.httpsProxy", "HTTPS PROXY", false, ""),
    NO_PROXY("pcg.noProxy", "NO Proxy", false, "");

    private final String key;
    private final String label;
    private final boolean password;
    private final String defaultValue;

    OvfProperty(String key, String label, boolean password, String defaultValue) {
        this.key = key;
        this.label = label;
        this.password = password;
        this.defaultValue = defaultValue;
    }

    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    /** Declared with {@code ovf:password="true"}, so vSphere masks it in the wizard. */
    public boolean password() {
        return password;
    }

    /** The value the OVA pre-fills, used as well when the property arrives empty; empty when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** How problems name the property: the wizard label plus the key automation uses. */
    public String displayName() {
        return label + " (" + key + ")";
    }

    public static Optional<OvfProperty> byKey(String key) {
        return Arrays.stream(values())
                .filter(property -> property.key.equals(key))
                .findFirst();
    }
}
