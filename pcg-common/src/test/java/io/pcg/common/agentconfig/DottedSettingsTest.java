package io.pcg.common.agentconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DottedSettingsTest {

    @Test
    void nestedDottedAndMixedKeysGiveTheSameNames() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("micronaut", Map.of("server", Map.of("port", 8899)));
        document.put("pcg.agent", Map.of("name", "gw-1"));
        document.put("pcg.agent.state-dir", "/var/lib/pcg");
        document.put("empty", null);

        Map<String, Object> settings = DottedSettings.of(document);
        assertThat(settings)
                .containsOnlyKeys("micronaut.server.port", "pcg.agent.name", "pcg.agent.state-dir", "empty")
                .containsEntry("micronaut.server.port", 8899)
                .containsEntry("pcg.agent.name", "gw-1")
                .containsEntry("pcg.agent.state-dir", "/var/lib/pcg");
        assertThat(settings.get("empty")).isNull();
    }
}
