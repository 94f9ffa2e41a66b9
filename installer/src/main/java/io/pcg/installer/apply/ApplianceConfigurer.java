package io.pcg.installer.apply;

import io.pcg.common.process.CommandRunner;
import io.pcg.installer.validation.InstallerSettings;
import io.pcg.installer.validation.SshPublicKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns validated settings into a configured appliance: the agent's config file, the SSH key, the proxy environment,
 * the running agent and the console banner. Every file is rendered before the first one is written, so a rendering
 * bug cannot leave a half-configured system.
 */
public final class ApplianceConfigurer {

    public static final String SSH_USER = "ubuntu";
    static final String SSH_DIRECTORY = "/home/" + SSH_USER + "/.ssh";
    static final String AUTHORIZED_KEYS = SSH_DIRECTORY + "/authorized_keys";
    static final String AGENT_UNIT = "pcg-agent.service";

    private record PlannedFile(String content, String mode) {}

    private final TargetFiles files;
    private final CommandRunner commands;
    private final PrintWriter out;

    public ApplianceConfigurer(TargetFiles files, CommandRunner commands, PrintWriter out) {
        this.files = files;
        this.commands = commands;
        this.out = out;
    }

    public void apply(InstallerSettings settings) throws ApplyException {
        Map<String, PlannedFile> plan = plan(settings);
        try {
            if (settings.sshPublicKey().isPresent()) {
                files.directory(SSH_DIRECTORY, TargetFiles.PRIVATE_DIRECTORY);
            }
            for (Map.Entry<String, PlannedFile> file : plan.entrySet()) {
                files.write(
                        file.getKey(),
                        file.getValue().content(),
                        file.getValue().mode());
                out.println("pcg-installer: wrote " + file.getKey() + " (mode "
                        + TargetFiles.octal(file.getValue().mode()) + ")");
            }
        } catch (IOException e) {
            throw new ApplyException("cannot write the configuration: " + e, e);
        }
        out.println("pcg-installer: NO_PROXY=" + String.join(",", settings.effectiveNoProxy())
                + (settings.usesProxy() ? "" : " (not used: no proxy is configured)"));

        if (settings.sshPublicKey().isPresent()) {
            run(List.of("chown", "-R", SSH_USER + ":" + SSH_USER, SSH_DIRECTORY));
        }
        // The agent runs as its own user and takes the PIN out of agent.yml after pairing: the file is its, 0600.
        run(List.of("chown", AgentConfigFile.OWNER + ":" + AgentConfigFile.OWNER, AgentConfigFile.PATH));
        run(List.of("systemctl", "daemon-reload"));
        if (settings.usesProxy()) {
            // Only restarts what already runs, so the proxy applies to image pulls without starting anything new.
            run(List.of("systemctl", "try-restart", "containerd.service", "kubelet.service"));
        }
        run(List.of("systemctl", "enable", AGENT_UNIT));
        // restart, not start: re-running apply must make a running agent pick up the new configuration.
        run(List.of("systemctl", "restart", AGENT_UNIT));
        out.println("pcg-installer: " + (commands.recordsOnly() ? "would start " : "started ") + AGENT_UNIT
                + "; it pairs with " + settings.consoleEndpoint() + " as '" + settings.name()
                + "' (follow it with: journalctl -u pcg-agent -f)");

        try {
            files.write(IssueBanner.PATH, IssueBanner.started(settings), TargetFiles.PUBLIC);
        } catch (IOException e) {
            throw new ApplyException("the agent is running, but the console banner could not be written: " + e, e);
        }
    }

    private Map<String, PlannedFile> plan(InstallerSettings settings) throws ApplyException {
        Map<String, PlannedFile> plan = new LinkedHashMap<>();
        plan.put(AgentConfigFile.PATH, new PlannedFile(AgentConfigFile.render(settings), TargetFiles.PRIVATE));
        try {
            if (settings.sshPublicKey().isPresent()) {
                String existing = files.readIfExists(AUTHORIZED_KEYS).orElse("");
                plan.put(
                        AUTHORIZED_KEYS,
                        new PlannedFile(
                                withKey(existing, settings.sshPublicKey().get()), TargetFiles.PRIVATE));
            }
            if (settings.usesProxy()) {
                String existing =
                        files.readIfExists(ProxyEnvironment.ETC_ENVIRONMENT).orElse("");
                // /etc/environment then holds the proxy password; pam_env reads it as root, so 0600 costs nothing.
                plan.put(
                        ProxyEnvironment.ETC_ENVIRONMENT,
                        new PlannedFile(ProxyEnvironment.etcEnvironment(existing, settings), TargetFiles.PRIVATE));
                String dropIn = ProxyEnvironment.systemdDropIn(settings);
                for (String unit : ProxyEnvironment.PROXIED_UNITS) {
                    plan.put(ProxyEnvironment.dropInPath(unit), new PlannedFile(dropIn, TargetFiles.PRIVATE));
                }
            }
        } catch (IOException e) {
            throw new ApplyException("cannot read the existing configuration: " + e, e);
        }
        return plan;
    }

    /** Appends the key unless authorized_keys already holds it, so applying twice changes nothing. */
    static String withKey(String authorizedKeys, SshPublicKey key) {
        List<String> lines = new ArrayList<>(authorizedKeys.lines().toList());
        boolean present = lines.stream().anyMatch(line -> {
            try {
                return SshPublicKey.parse(line).sameKey(key);
            } catch (IllegalArgumentException otherFormat) {
                return false;
            }
        });
        if (!present) {
            lines.add(key.authorizedKeysLine());
        }
        return String.join("\n", lines) + "\n";
    }

    private void run(List<String> command) throws ApplyException {
        String shown = String.join(" ", command);
        CommandRunner.Result result;
        try {
            result = commands.run(command);
        } catch (IOException e) {
            throw new ApplyException("cannot run '" + shown + "': " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new ApplyException("'" + shown + "' failed with exit code " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        out.println("pcg-installer: " + (commands.recordsOnly() ? "recorded, not run (--root): " : "ran ") + shown);
    }
}
