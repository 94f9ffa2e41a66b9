package io.pcg.installer.apply;

import io.pcg.installer.validation.InstallerSettings;
import java.util.List;
import java.util.Optional;

/**
 * The console banner ({@code /etc/issue}), which the operator sees in the vSphere web console before logging in:
 * the first place to look when the gateway does not show up in the tenant portal.
 */
public final class IssueBanner {

    public static final String PATH = "/etc/issue";
    /** agetty appends /etc/issue.d/*.issue to the banner; the agent keeps its live pairing state there. */
    public static final String AGENT_STATUS_PATH = "/etc/issue.d/pcg-agent.issue";

    static final String LOG = "/var/log/cloud-init-output.log";
    /** agetty shows the current IPv4 address of the default interface in place of this escape. */
    private static final String AGETTY_IPV4 = "\\4";

    private IssueBanner() {}

    public static String started(InstallerSettings settings) {
        StringBuilder text = new StringBuilder();
        text.append("Private Cloud Gateway installer\n\n");
        text.append("  Gateway name : ").append(escape(settings.name())).append('\n');
        text.append("  IP address   : ")
                .append(address(settings.primaryAddress()))
                .append('\n');
        text.append("  Console      : ")
                .append(escape(settings.consoleEndpoint().toString()))
                .append('\n');
        text.append("  Pairing      : the agent registers with the console using the pairing code (state below);\n");
        text.append("                 the gateway appears in the tenant portal within 10 minutes.\n");
        text.append("  Proxy        : ")
                .append(
                        settings.usesProxy()
                                ? escape(settings.httpsProxy().orElseThrow().toString())
                                : "none (direct)")
                .append('\n');
        settings.sshPublicKey()
                .ifPresent(key -> text.append("  SSH          : ubuntu@")
                        .append(address(settings.primaryAddress()))
                        .append(" with key ")
                        .append(escape(key.fingerprint()))
                        .append('\n'));
        text.append("\n  If it does not appear: journalctl -u pcg-agent, ")
                .append(LOG)
                .append(", sudo collect-logs.sh\n\n");
        return text.toString();
    }

    public static String failed(List<String> problems, Optional<String> address, String advice) {
        StringBuilder text = new StringBuilder();
        text.append("Private Cloud Gateway installer: NOT STARTED\n\n");
        text.append("  IP address : ").append(address(address)).append("\n\n");
        problems.forEach(problem -> text.append("  - ").append(escape(problem)).append('\n'));
        text.append('\n').append("  ").append(escape(advice)).append('\n');
        text.append("  Details: ").append(LOG).append("\n\n");
        return text.toString();
    }

    private static String address(Optional<String> address) {
        return address.map(IssueBanner::escape).orElse(AGETTY_IPV4);
    }

    /** agetty treats backslash as the start of an escape sequence. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\");
    }
}
