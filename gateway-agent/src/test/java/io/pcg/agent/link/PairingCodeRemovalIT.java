package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.gateway.GatewayService;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.logging.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Pairing with the real dev-console takes the PIN out of the agent.yml it came from; the agent restarts from that file. */
class PairingCodeRemovalIT {

    private static final String NAME = "pcg-pin-removal";

    @RegisterExtension
    final DevConsoleExtension consoles = DevConsoleExtension.perTest();

    @TempDir
    Path tmp;

    @Test
    void thePinLeavesTheConfigFileOncePairedAndTheAgentRestartsFromIt() throws Exception {
        DevConsole console = consoles.console();
        GatewayService.IssuedPin issued = console.createGateway(NAME);
        Path stateDir = tmp.resolve("state");
        Path configFile = tmp.resolve("agent.yml");
        // As pcg-installer writes it (installer's AgentConfigFile), plus the dev-console's CA.
        Files.writeString(
                configFile,
                "# Written by pcg-installer from the OVF properties at first boot. Holds the pairing"
                        + " code: keep it 0600.\n"
                        + "pcg:\n"
                        + "  agent:\n"
                        + "    name: \"" + NAME + "\"\n"
                        + "    console-endpoint: \"" + console.endpoint() + "\"\n"
                        + "    pairing-code: \"" + issued.pin() + "\"\n"
                        + "    pod-cidr: \"192.168.0.0/16\"\n"
                        + "    state-dir: \"" + stateDir + "\"\n"
                        + "    console-ca-file: \"" + console.caFile() + "\"\n");
        Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));
        String gatewayId;

        try (LogCapture logs = LogCapture.capture();
                AgentRun agent = AgentRun.start(configFrom(configFile), Map.of())) {
            gatewayId = agent.awaitConnected().gatewayId();

            await("PIN removed")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.readString(configFile).contains("pairing-code"));
            assertThat(logs.lines())
                    .anyMatch(line -> line.contains("removed the pairing code from " + configFile))
                    .noneMatch(line -> line.contains(issued.pin()));
        }

        String after = Files.readString(configFile);
        assertThat(after)
                .doesNotContain(issued.pin())
                .doesNotContain("pairing-code")
                .startsWith("# Written by pcg-installer")
                .contains(
                        "    name: \"" + NAME + "\"\n",
                        "    pod-cidr: \"192.168.0.0/16\"\n",
                        "    state-dir: \"" + stateDir + "\"\n",
                        "    console-endpoint: ",
                        "    console-ca-file: ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configFile)))
                .isEqualTo("rw-------");

        try (AgentRun restarted = AgentRun.start(configFrom(configFile), Map.of())) {
            AgentStatus.Snapshot status = restarted.awaitConnected();

            assertThat(status.gatewayId()).isEqualTo(gatewayId);
        }
    }

    /** The agent's settings as the file gives them, the PIN taken out of that same file. */
    @SuppressWarnings("unchecked")
    private static AgentConfig configFrom(Path file) throws Exception {
        Map<String, Object> agent = (Map<String, Object>) ((Map<String, Object>) new Yaml()
                        .<Map<String, Object>>load(Files.readString(file))
                        .get("pcg"))
                .get("agent");
        Object filePin = agent.get("pairing-code");
        return AgentRun.config(
                (String) agent.get("name"),
                (String) agent.get("console-endpoint"),
                filePin == null ? "" : (String) filePin,
                Path.of((String) agent.get("state-dir")),
                Path.of((String) agent.get("console-ca-file")),
                file);
    }
}
