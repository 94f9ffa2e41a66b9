package io.pcg.agent.config;

import io.pcg.common.agentconfig.AgentConfigKeys;
import io.pcg.common.agentconfig.AgentConfigText;
import io.pcg.common.agentconfig.DottedSettings;
import io.pcg.common.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Takes the PIN out of the agent's configuration file once an identity is stored. From then on the identity is what
 * the gateway authenticates with; a PIN left on disk is only something to steal from the VM or a support bundle.
 * The file is edited as text (comments, order and other keys stay), checked by parsing it before and after, and
 * replaced atomically with the mode it had. When that cannot be done the agent runs on and says how to do it by hand.
 */
public final class PairingCodeRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(PairingCodeRemoval.class);
    /** Micronaut reads the files this names (comma-separated); pcg-agent.service sets it to /etc/pcg/agent.yml. */
    static final String CONFIG_FILES_VARIABLE = "MICRONAUT_CONFIG_FILES";

    private static final String SETTING = AgentConfigKeys.PREFIX + "." + AgentConfigKeys.PAIRING_CODE;

    private PairingCodeRemoval() {}

    /**
     * The file the PIN came from: {@code pcg.agent.config-file} if set, else the one file {@code MICRONAUT_CONFIG_FILES}
     * names, else {@link AgentConfigKeys#FILE}.
     */
    public static Path configFile(AgentConfig config, Map<String, String> environment) {
        if (config.configFile() != null) {
            return config.configFile();
        }
        String named = environment.getOrDefault(CONFIG_FILES_VARIABLE, "").trim();
        return named.isEmpty() || named.contains(",") ? Path.of(AgentConfigKeys.FILE) : Path.of(named);
    }

    /** Removes {@code pcg.agent.pairing-code} from {@code file}; a missing file or setting is nothing to do. */
    public static void removeFrom(Path file) {
        String original;
        try {
            if (!Files.isRegularFile(file)) {
                return;
            }
            original = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            warn(file, "it cannot be read (" + e.getClass().getSimpleName() + ")");
            return;
        }
        Map<String, Object> before = settings(original);
        if (before == null || !before.containsKey(SETTING)) {
            return;
        }
        String edited = AgentConfigText.withoutSetting(original, AgentConfigKeys.PAIRING_CODE);
        before.remove(SETTING);
        if (!before.equals(settings(edited))) {
            warn(file, "it is not written the way the installer writes it (one 'pairing-code: \"...\"' line)");
            return;
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            AtomicFiles.write(file, edited, mode);
        } catch (IOException | UnsupportedOperationException e) {
            warn(file, "it cannot be rewritten (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            return;
        }
        LOG.info("removed the pairing code from {}: the identity stored after pairing replaces it", file);
    }

    /** Never the PIN, only the file, the reason and the fix. */
    private static void warn(Path file, String reason) {
        LOG.warn(
                "the pairing code is no longer needed but is still in {}: {}; remove the {} line by hand (as root:"
                        + " sudo sed -i '/pairing-code:/d' {}), the agent does not need it any more",
                file,
                reason,
                SETTING,
                file);
    }

    /** Every setting of the YAML file by its dotted name, or null if it is not a YAML mapping. */
    private static Map<String, Object> settings(String yaml) {
        try {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            if (!(document instanceof Map<?, ?> map)) {
                return null;
            }
            return DottedSettings.of(map);
        } catch (YAMLException e) {
            return null;
        }
    }
}
