package io.pcg.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.pcg.common.agentconfig.AgentConfigKeys;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The installer writes agent.yml with the keys of {@link AgentConfigKeys}: each must be a setting the agent binds. */
class AgentConfigKeysTest {

    @Test
    void everyKeyTheInstallerWritesIsASettingOfTheAgent() {
        List<String> settings = Arrays.stream(AgentConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .map(name -> name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase())
                .toList();

        assertThat(AgentConfig.class
                        .getAnnotation(ConfigurationProperties.class)
                        .value())
                .isEqualTo(AgentConfigKeys.PREFIX);
        assertThat(settings)
                .contains(
                        AgentConfigKeys.NAME,
                        AgentConfigKeys.CONSOLE_ENDPOINT,
                        AgentConfigKeys.PAIRING_CODE,
                        AgentConfigKeys.STATE_DIR,
                        AgentConfigKeys.POD_CIDR,
                        AgentConfigKeys.SERVICE_CIDR,
                        AgentConfigKeys.STATUS_BANNER_FILE);
    }
}
