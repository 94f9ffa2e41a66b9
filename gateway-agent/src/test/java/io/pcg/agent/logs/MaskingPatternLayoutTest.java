package io.pcg.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import io.pcg.common.secrets.Secret;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Secret values never come out of the agent's log layout, wherever in the event they hide. */
class MaskingPatternLayoutTest {

    private final Secret password = Secret.of("vc-pass-" + UUID.randomUUID());

    @Test
    void masksTheMessageItsArgumentsAndEveryExceptionTextAndFrame() {
        LoggerContext context = new LoggerContext();
        MaskingPatternLayout layout = new MaskingPatternLayout();
        layout.setContext(context);
        layout.setPattern("%-5level %logger - %msg%n");
        layout.start();
        IllegalStateException failure = new IllegalStateException(
                "login refused for " + password.reveal(),
                new RuntimeException("server said: bad password " + password.reveal()));
        LoggingEvent event = new LoggingEvent(
                Logger.class.getName(),
                context.getLogger("io.pcg.test"),
                Level.WARN,
                "connecting with {} failed",
                failure,
                new Object[] {password.reveal()});

        String line = layout.doLayout(event);

        assertThat(line)
                .doesNotContain(password.reveal())
                .contains(
                        "connecting with *** failed",
                        "login refused for ***",
                        "bad password ***",
                        "at io.pcg.agent.logs");
    }

    /** The agent's own logback.xml (not the tests' logback-test.xml), logged to through SLF4J. */
    @Test
    @SuppressWarnings("unchecked")
    void theAgentsLogConfigurationMasksWhatIsLoggedThroughSlf4j() throws Exception {
        URL agentConfiguration = getClass().getResource("/logback.xml");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(agentConfiguration);
            ((OutputStreamAppender<ILoggingEvent>)
                            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"))
                    .setOutputStream(stdout);
            org.slf4j.Logger log = context.getLogger("io.pcg.agent.test");

            log.warn(
                    "proxy http://user:{}@proxy:3128 refused",
                    password.reveal(),
                    new IllegalArgumentException("bad value " + password.reveal()));
        } finally {
            context.stop();
        }

        String output = stdout.toString(StandardCharsets.UTF_8);
        assertThat(output)
                .contains("proxy http://user:***@proxy:3128 refused", "IllegalArgumentException: bad value ***")
                .doesNotContain(password.reveal());
    }
}
