package io.pcg.installer.apply;

import io.pcg.common.agentconfig.AgentConfigKeys;
import io.pcg.installer.validation.InstallerSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's configuration file, {@code /etc/pcg/agent.yml}, in the {@code pcg.agent.*} keys of
 * {@link AgentConfigKeys}. Every value is written as a YAML double-quoted string, so values YAML would otherwise read
 * as numbers or booleans (a PIN of digits only, a gateway named "no") stay strings.
 */
public final class AgentConfigFile {

    public static final String PATH = AgentConfigKeys.FILE;
    /** The agent's system user and group (pcg-agent.service User=/Group=, created by the image build). */
    public static final String OWNER = AgentConfigKeys.AGENT_USER;

    private AgentConfigFile() {}

    public static String render(InstallerSettings settings) {
        Map<String, String> agent = new LinkedHashMap<>();
        agent.put(AgentConfigKeys.NAME, settings.name());
        agent.put(AgentConfigKeys.CONSOLE_ENDPOINT, settings.consoleEndpoint().toString());
        agent.put(AgentConfigKeys.PAIRING_CODE, settings.pairingCode().reveal());
        agent.put(AgentConfigKeys.POD_CIDR, settings.podCidr().toString());
        agent.put(AgentConfigKeys.SERVICE_CIDR, settings.serviceCidr().toString());
        agent.put(AgentConfigKeys.STATE_DIR, AgentConfigKeys.DEFAULT_STATE_DIR);
        agent.put(AgentConfigKeys.STATUS_BANNER_FILE, IssueBanner.AGENT_STATUS_PATH);
        agent.put(AgentConfigKeys.LEADER_ELECTION_ENABLED, "true");
        StringBuilder yaml = new StringBuilder("# Written by pcg-installer from the OVF properties at first boot."
                + " Holds the pairing code until the agent has paired: keep it 0600, owned by " + OWNER + ".\n");
        String[] prefix = AgentConfigKeys.PREFIX.split("\\.");
        for (int level = 0; level < prefix.length; level++) {
            yaml.append("  ".repeat(level)).append(prefix[level]).append(":\n");
        }
        String indent = "  ".repeat(prefix.length);
        agent.forEach((key, value) -> yaml.append(indent)
                .append(key)
                .append(": ")
                .append(quoted(value))
                .append('\n'));
        return yaml.toString();
    }

    /** A YAML double-quoted scalar; anything but printable ASCII is escaped, so no value can end the line or the string. */
    static String quoted(String value) {
        StringBuilder text = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                text.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('"').toString();
    }
}
