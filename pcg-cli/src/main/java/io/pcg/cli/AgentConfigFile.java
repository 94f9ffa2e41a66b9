package io.pcg.cli;

import io.pcg.common.agentconfig.AgentConfigKeys;
import io.pcg.common.agentconfig.DottedSettings;
import io.pcg.common.console.ConsoleEndpoint;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the CLI needs from {@code /etc/pcg/agent.yml}: the management port and where the console is. Keys may be
 * nested ({@code micronaut: server: port:}) or dotted ({@code micronaut.server.port:}), as Micronaut reads them;
 * what the file does not set has the agent's default. The PIN is in the same file and is never read out of it.
 *
 * @param managementPort  {@code micronaut.server.port}
 * @param consoleEndpoint {@code pcg.agent.console-endpoint}, as written (checked by the doctor)
 * @param stateDir        {@code pcg.agent.state-dir}
 * @param consoleCaFile   {@code pcg.agent.console-ca-file}, if set
 */
public record AgentConfigFile(int managementPort, String consoleEndpoint, Path stateDir, Optional<Path> consoleCaFile) {

    public static final String DEFAULT_PATH = AgentConfigKeys.FILE;
    /** The agent's own default (application-agent.yml). */
    public static final int DEFAULT_MANAGEMENT_PORT = 8899;

    static final String PORT_KEY = "micronaut.server.port";
    private static final String CA_FILE_KEY = "console-ca-file";

    /** The file exists but cannot be used; the message says what to do. */
    public static final class UnreadableException extends Exception {
        UnreadableException(String message) {
            super(message);
        }
    }

    /** Reads {@code file}; a missing file means every default (a development machine, an agent configured by environment). */
    public static AgentConfigFile read(Path file) throws UnreadableException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return parse("", file);
        } catch (AccessDeniedException e) {
            throw new UnreadableException("cannot read " + file + " (mode 0600, it holds the PIN): run 'sudo pcg ...',"
                    + " or name the management port with --agent-url http://127.0.0.1:" + DEFAULT_MANAGEMENT_PORT);
        } catch (IOException e) {
            throw new UnreadableException(
                    "cannot read " + file + ": " + e.getMessage() + "; fix the file or pass --config");
        }
        return parse(text, file);
    }

    static AgentConfigFile parse(String yaml, Path file) throws UnreadableException {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (RuntimeException e) {
            throw new UnreadableException(file + " is not valid YAML (" + firstLine(e.getMessage())
                    + "): fix it, the agent cannot start either");
        }
        Map<String, Object> settings = root instanceof Map<?, ?> map ? DottedSettings.of(map) : Map.of();
        String port = value(settings, PORT_KEY).orElse(String.valueOf(DEFAULT_MANAGEMENT_PORT));
        int managementPort;
        try {
            managementPort = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new UnreadableException(
                    PORT_KEY + " in " + file + " is '" + port + "', not a port number: fix it or pass --agent-url");
        }
        String prefix = AgentConfigKeys.PREFIX + ".";
        return new AgentConfigFile(
                managementPort,
                value(settings, prefix + AgentConfigKeys.CONSOLE_ENDPOINT).orElse(ConsoleEndpoint.DEFAULT),
                Path.of(value(settings, prefix + AgentConfigKeys.STATE_DIR).orElse(AgentConfigKeys.DEFAULT_STATE_DIR)),
                value(settings, prefix + CA_FILE_KEY)
                        .filter(path -> !path.isBlank())
                        .map(Path::of));
    }

    private static Optional<String> value(Map<String, Object> settings, String dottedKey) {
        return Optional.ofNullable(settings.get(dottedKey)).map(String::valueOf);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
