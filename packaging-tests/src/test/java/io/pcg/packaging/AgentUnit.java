package io.pcg.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * packaging/systemd/pcg-agent.service as tests can run and check it: its ExecStart command line, its Environment=
 * settings and every [Service] directive, with the appliance's java, agent jar and absolute paths swapped for the
 * ones of the test where it is run.
 *
 * @param service every [Service] directive by name, its values in the order of the file (a directive may repeat)
 */
public record AgentUnit(List<String> execStart, Map<String, String> environment, Map<String, List<String>> service) {

    public static final String FILE = "packaging/systemd/pcg-agent.service";
    /** Where the image installs the agent (ova-build/packer/scripts/provision.sh). */
    public static final String INSTALLED_JAR = "/opt/pcg/gateway-agent.jar";

    public static AgentUnit read() throws IOException {
        List<String> execStart = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, List<String>> service = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(RepoFiles.path(FILE))) {
            String text = line.strip();
            if (text.startsWith("[")) {
                section = text;
                continue;
            }
            if (!section.equals("[Service]") || text.isEmpty() || text.startsWith("#") || !text.contains("=")) {
                continue;
            }
            String name = text.substring(0, text.indexOf('='));
            String value = text.substring(name.length() + 1).strip();
            service.computeIfAbsent(name, ignored -> new ArrayList<>()).add(value);
            if (name.equals("ExecStart")) {
                execStart.addAll(List.of(value.split("\\s+")));
            } else if (name.equals("Environment")) {
                int equals = value.indexOf('=');
                environment.put(value.substring(0, equals), value.substring(equals + 1));
            }
        }
        if (execStart.isEmpty()) {
            throw new IllegalStateException(FILE + " has no ExecStart= line");
        }
        Map<String, List<String>> directives = new LinkedHashMap<>();
        service.forEach((name, values) -> directives.put(name, List.copyOf(values)));
        return new AgentUnit(List.copyOf(execStart), Map.copyOf(environment), Map.copyOf(directives));
    }

    /** The last value of a [Service] directive (the one systemd uses for a single-valued setting), or null. */
    public String last(String directive) {
        List<String> values = service.get(directive);
        return values == null ? null : values.get(values.size() - 1);
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
        environment.forEach((name, value) -> rebased.put(
                name, value.startsWith("/") ? root.resolve(value.substring(1)).toString() : value));
        return rebased;
    }
}
