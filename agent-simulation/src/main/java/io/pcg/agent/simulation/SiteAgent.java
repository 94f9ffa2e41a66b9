package io.pcg.agent.simulation;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.vsphere.NtpConfiguredVcsim;
import io.pcg.common.files.AtomicFiles;
import io.pcg.simulators.site.SimulatedSite;
import io.pcg.testkit.console.DevConsole;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A gateway agent configured for the simulated site, as the installer would configure it on the appliance: its name,
 * the console and PIN, a state folder, and the site's {@code kind} and {@code clusterctl} in place of the image's.
 * It runs in this JVM ({@link #start}) or as its own process ({@link #startProcess}), the only way to {@code kill -9}
 * it. vcsim has no NTP, so the agent gets the {@link NtpConfiguredVcsim} fake.
 *
 * @param name      the gateway's name
 * @param console   the dev-console it pairs with
 * @param pin       the pairing code
 * @param site      the simulated site whose tools it runs
 * @param work      its folder: state, versions file, config, log
 * @param extra     more properties (e.g. a faster resync)
 */
public record SiteAgent(
        String name, DevConsole console, String pin, SimulatedSite site, Path work, Map<String, Object> extra) {

    /** The versions the image pins in /etc/pcg/versions.env: those of the CRDs and clusterctl the test kit uses. */
    static final String VERSIONS =
            "KUBERNETES_VERSION=v1.34.4\nCAPI_VERSION=v1.13.5\nCAPV_VERSION=v1.16.1\nIPAM_IN_CLUSTER_VERSION=v1.0.3\n";

    public SiteAgent {
        extra = Map.copyOf(extra);
    }

    /** The agent's state folder ({@code pcg.agent.state-dir}). */
    public Path stateDir() {
        return work.resolve("state");
    }

    /** The agent's properties, as the installer's agent.yml and the site set them. */
    public Map<String, Object> properties() throws IOException {
        Files.createDirectories(work);
        Path versions = work.resolve("versions.env");
        Files.writeString(versions, VERSIONS);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("pcg.agent.name", name);
        properties.put("pcg.agent.console-endpoint", console.endpoint());
        properties.put("pcg.agent.pairing-code", pin);
        properties.put("pcg.agent.state-dir", stateDir().toString());
        properties.put("pcg.agent.console-ca-file", console.caFile().toString());
        properties.put("pcg.agent.bootstrap.versions-file", versions.toString());
        properties.put("pcg.agent.bootstrap.kind", site.kind().toString());
        properties.put("pcg.agent.bootstrap.clusterctl", site.clusterctl().toString());
        properties.put(NtpConfiguredVcsim.PROPERTY, "true");
        properties.putAll(extra);
        return properties;
    }

    /** The agent in this JVM, without its management port. */
    public ApplicationContext start() throws IOException {
        Map<String, Object> properties = properties();
        properties.put("micronaut.server.port", -1);
        return ApplicationContext.run(EmbeddedServer.class, properties, GatewayAgentApplication.ENVIRONMENT)
                .getApplicationContext();
    }

    /**
     * The agent as its own JVM on {@code classpath} (which must hold this module), started the way the appliance's
     * unit starts it: its config in a 0600 file named by {@code MICRONAUT_CONFIG_FILES}, its output in
     * {@code work/agent-<n>.log}. The process does not outlive this JVM's wish: the caller kills it.
     */
    public Process startProcess(String classpath, int managementPort) throws IOException {
        Map<String, Object> properties = properties();
        properties.put("micronaut.server.port", managementPort);
        Properties file = new Properties();
        properties.forEach((key, value) -> file.setProperty(key, String.valueOf(value)));
        StringWriter text = new StringWriter();
        file.store(text, "gateway agent on the simulated site");
        Path config = work.resolve("agent.properties");
        AtomicFiles.write(config, text.toString(), AtomicFiles.OWNER_ONLY);

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                GatewayAgentApplication.class.getName()));
        int run = 1;
        while (Files.exists(work.resolve("agent-" + run + ".log"))) {
            run++;
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("agent-" + run + ".log").toFile());
        builder.environment().put("MICRONAUT_CONFIG_FILES", config.toString());
        // The replica's name in a Lease, as a pod's name is: unique per agent folder, whatever this shell exports.
        builder.environment().put("HOSTNAME", work.getFileName().toString());
        return builder.start();
    }

    /** Every log the agent processes wrote, in order. */
    public String processLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int run = 1; Files.exists(work.resolve("agent-" + run + ".log")); run++) {
            all.append(Files.readString(work.resolve("agent-" + run + ".log")));
        }
        return all.toString();
    }
}
