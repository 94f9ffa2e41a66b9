package io.pcg.common.agentconfig;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentConfigTextTest {

    /** As pcg-installer renders it (installer's AgentConfigFile). */
    private static final String INSTALLED = """
            # Written by pcg-installer from the OVF properties at first boot. Holds the pairing code: keep it 0600.
            pcg:
              agent:
                name: "pcg-dc1"
                console-endpoint: "https://console.example.com"
                pairing-code: "ABCD2345"
                pod-cidr: "192.168.0.0/16"
                state-dir: "/var/lib/pcg"
            """;

    @Test
    void removesThePairingCodeLineAndKeepsEverythingElse() {
        String result = AgentConfigText.withoutSetting(INSTALLED, AgentConfigKeys.PAIRING_CODE);

        assertThat(result).isEqualTo(INSTALLED.replace("    pairing-code: \"ABCD2345\"\n", ""));
    }

    @Test
    void removesTheFlatFormAnOperatorMayHaveWrittenAndALastLineWithoutNewline() {
        String yaml = "pcg.agent.name: pcg-dc1\npcg.agent.pairing-code: ABCD2345";

        assertThat(AgentConfigText.withoutSetting(yaml, AgentConfigKeys.PAIRING_CODE))
                .isEqualTo("pcg.agent.name: pcg-dc1\n");
    }

    @Test
    void leavesKeysThatOnlyStartLikeTheSettingAlone() {
        String yaml = "pcg:\n  agent:\n    pairing-code-hint: x\n    name: a\n";

        assertThat(AgentConfigText.withoutSetting(yaml, AgentConfigKeys.PAIRING_CODE))
                .isEqualTo(yaml);
    }
}
