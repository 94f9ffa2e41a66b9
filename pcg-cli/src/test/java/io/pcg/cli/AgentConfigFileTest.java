package io.pcg.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigFileTest {

    private static final Path FILE = Path.of("/etc/pcg/agent.yml");

    @Test
    void theInstallersFileWithoutAPortUsesTheAgentsDefaultPort() throws Exception {
        AgentConfigFile config = AgentConfigFile.parse("""
                pcg:
                  agent:
                    name: pcg-dc1
                    console-endpoint: https://console.example.com
                    pairing-code: ABCD2345
                    state-dir: /var/lib/pcg
                """, FILE);

        assertThat(config)
                .isEqualTo(new AgentConfigFile(
                        8899, "https://console.example.com", Path.of("/var/lib/pcg"), Optional.empty()));
    }

    @Test
    void nestedAndDottedKeysAreReadAsMicronautReadsThem() throws Exception {
        AgentConfigFile nested = AgentConfigFile.parse("""
                micronaut:
                  server:
                    port: 9911
                pcg.agent:
                  console-ca-file: /etc/pcg/console-ca.pem
                """, FILE);
        AgentConfigFile dotted = AgentConfigFile.parse("""
                micronaut.server.port: 9912
                pcg.agent.console-endpoint: https://console.example.com:8443
                """, FILE);

        assertThat(nested.managementPort()).isEqualTo(9911);
        assertThat(nested.consoleCaFile()).contains(Path.of("/etc/pcg/console-ca.pem"));
        assertThat(nested.consoleEndpoint()).isEqualTo("https://console.spectrocloud.com");
        assertThat(dotted.managementPort()).isEqualTo(9912);
        assertThat(dotted.consoleEndpoint()).isEqualTo("https://console.example.com:8443");
        assertThat(dotted.stateDir()).isEqualTo(Path.of("/var/lib/pcg"));
    }

    @Test
    void aMissingFileMeansEveryDefault() throws Exception {
        assertThat(AgentConfigFile.read(Path.of("/nonexistent/agent.yml")).managementPort())
                .isEqualTo(8899);
    }

    @Test
    void aBadPortOrBrokenYamlSaysWhatToFix() {
        assertThatThrownBy(() -> AgentConfigFile.parse("micronaut.server.port: eighty\n", FILE))
                .hasMessageContaining("micronaut.server.port in /etc/pcg/agent.yml is 'eighty', not a port number")
                .hasMessageContaining("--agent-url");
        assertThatThrownBy(() -> AgentConfigFile.parse("pcg: [unclosed\n", FILE))
                .hasMessageContaining("/etc/pcg/agent.yml is not valid YAML");
    }
}
