package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.pcg.agent.command.CommandHandler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dispatcher finds handlers as beans; config binds with its named defaults and overrides. */
class VsphereBeansTest {

    @Test
    void handlersAreBeansAndConfigBinds() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("pcg.vsphere.read-timeout", "30s"))) {
            assertThat(context.getBeansOfType(CommandHandler.class))
                    .extracting(CommandHandler::type)
                    .contains("vsphere.validate", "vsphere.inventory", "vsphere.thumbprint");
            VsphereConfig config = context.getBean(VsphereConfig.class);
            assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.connectTimeout()).isEqualTo(Duration.parse("PT" + VsphereConfig.DEFAULT_CONNECT_TIMEOUT));
            assertThat(config.pageSize()).isEqualTo(VsphereConfig.DEFAULT_PAGE_SIZE);
        }
    }
}
