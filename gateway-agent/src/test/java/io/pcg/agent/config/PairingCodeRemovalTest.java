package io.pcg.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.testkit.logging.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingCodeRemovalTest {

    private static final String PIN = "QWER7890";

    @TempDir
    Path tmp;

    @Test
    void keepsTheModeTheCommentsAndEveryOtherSetting() throws Exception {
        Path file = write(
                "# keep me\npcg:\n  agent:\n    name: \"gw\"\n    pairing-code: \"" + PIN
                        + "\"\n    state-dir: \"/var/lib/pcg\"\n",
                "rw-r-----");

        PairingCodeRemoval.removeFrom(file);

        assertThat(Files.readString(file))
                .isEqualTo("# keep me\npcg:\n  agent:\n    name: \"gw\"\n    state-dir: \"/var/lib/pcg\"\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
    }

    @Test
    void aFileItCannotEditSafelyStaysAsItIsAndTheWarningSaysWhatToDoWithoutThePin() throws Exception {
        String folded = "pcg:\n  agent:\n    pairing-code: >\n      " + PIN + "\n    name: gw\n";
        Path file = write(folded, "rw-------");

        try (LogCapture logs = LogCapture.capture()) {
            PairingCodeRemoval.removeFrom(file);

            assertThat(logs.lines())
                    .anyMatch(line -> line.contains("still in " + file) && line.contains("sudo sed -i"))
                    .noneMatch(line -> line.contains(PIN));
        }
        assertThat(Files.readString(file)).isEqualTo(folded);
    }

    @Test
    void aFileWithoutThePinOrNoFileIsNothingToDo() throws Exception {
        Path file = write("pcg:\n  agent:\n    name: gw\n", "rw-------");

        PairingCodeRemoval.removeFrom(file);
        PairingCodeRemoval.removeFrom(tmp.resolve("missing.yml"));

        assertThat(Files.readString(file)).isEqualTo("pcg:\n  agent:\n    name: gw\n");
        assertThat(tmp.resolve("missing.yml")).doesNotExist();
    }

    @Test
    void theFileIsTheSettingThenTheOneMicronautReadsThenTheAppliancesOne() {
        AgentConfig unset = config(null);

        assertThat(PairingCodeRemoval.configFile(
                        config(Path.of("/x/agent.yml")), Map.of("MICRONAUT_CONFIG_FILES", "/y.yml")))
                .isEqualTo(Path.of("/x/agent.yml"));
        assertThat(PairingCodeRemoval.configFile(unset, Map.of("MICRONAUT_CONFIG_FILES", "/y.yml")))
                .isEqualTo(Path.of("/y.yml"));
        assertThat(PairingCodeRemoval.configFile(unset, Map.of("MICRONAUT_CONFIG_FILES", "/a.yml,/b.yml")))
                .isEqualTo(Path.of("/etc/pcg/agent.yml"));
        assertThat(PairingCodeRemoval.configFile(unset, Map.of())).isEqualTo(Path.of("/etc/pcg/agent.yml"));
    }

    private Path write(String content, String mode) throws Exception {
        Path file = tmp.resolve("agent.yml");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static AgentConfig config(Path configFile) {
        return new AgentConfig(
                "gw",
                "https://console.example.com",
                "",
                Path.of("/var/lib/pcg"),
                null,
                null,
                null,
                null,
                null,
                null,
                "192.168.0.0/16",
                "10.96.0.0/12",
                null,
                null,
                configFile);
    }
}
