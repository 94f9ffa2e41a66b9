package io.pcg.installer.apply;

import io.pcg.agent.config.AgentConfig;
import io.pcg.installer.validation.InstallerSettings;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's configuration file, {@code /etc/pcg/agent.yml}, in the {@code pcg.agent.*} keys of {@link AgentConfig}.
 * Rendered by SnakeYAML so that values YAML would otherwise read as numbers or booleans (a PIN of digits only,
 * a gateway named "no") are quoted.
 */
public final class AgentConfigFile {

    public static final String PATH = "/etc/pcg/agent.yml";

    private AgentConfigFile() {
    }

    public static String render(InstallerSettings settings) {
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("name", settings.name());
        agent.put("console-endpoint", settings.consoleEndpoint().toString());
        agent.put("pairing-code", settings.pairingCode().reveal());
        agent.put("pod-cidr", settings.podCidr().toString());
        agent.put("service-cidr", settings.serviceCidr().toString());
        agent.put("state-dir", AgentConfig.DEFAULT_STATE_DIR);
        agent.put("status-banner-file", IssueBanner.AGENT_STATUS_PATH);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        return "# Written by pcg-installer from the OVF properties at first boot. Holds the pairing code: keep it 0600.\n"
                + new Yaml(options).dump(Map.of("pcg", Map.of("agent", agent)));
    }
}
