package io.pcg.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * packaging/systemd/pcg-agent.service as tests can run it: its ExecStart command line and Environment= settings, with
 * the appliance's java, agent jar and absolute paths swapped for the ones of the test.
 */
public record AgentUnit(List<String> execStart, Map<String, String> environment) {

    public static final String FILE = "packaging/systemd/pcg-agent.service";
    /** Where the image installs the agent (ova-build/packer/scripts/provision.sh). */
    public static final String INSTALLED_JAR = "/opt/pcg/gateway-agent.jar";

    public static AgentUnit read() throws IOException {
        List<String> execStart = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RepoFiles.path(FILE))) {
            if (line.startsWith("ExecStart=")) {
                execStart.addAll(List.of(line.substring("ExecStart=".length()).trim().split("\\s+")));
            } else if (line.startsWith("Environment=")) {
                String assignment = line.substring("Environment=".length()).trim();
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        if (execStart.isEmpty()) {
            throw new IllegalStateException(FILE + " has no ExecStart= line");
        }
        return new AgentUnit(List.copyOf(execStart), Map.copyOf(environment));
    }

    /** ExecStart with this JVM's java instead of /usr/bin/java and the given jar instead of the installed one. */
    public List<String> command(Path java, Path agentJar) {
        List<String> command = new ArrayList<>(execStart);
        command.set(0, java.toString());
        int jar = command.indexOf(INSTALLED_JAR);
        if (jar < 0) {
            throw new IllegalStateException(FILE + " does not start " + INSTALLED_JAR + ": " + execStart);
        }
        command.set(jar, agentJar.toString());
        return command;
    }

    /** The unit's Environment= values whose value is an absolute path, moved under root. */
    public Map<String, String> environmentUnder(Path root) {
        Map<String, String> rebased = new LinkedHashMap<>();
        environment.forEach((name, value) -> rebased.put(name,
                value.startsWith("/") ? root.resolve(value.substring(1)).toString() : value));
        return rebased;
    }
}
