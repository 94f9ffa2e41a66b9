package io.pcg.console;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone console's logback-console.xml keeps gRPC's frame dumps (which carry PINs) off at any level raised above them. */
class ConsoleLogbackConfigTest {

    @ParameterizedTest
    @ValueSource(strings = {"io.grpc.netty.NettyServerHandler", "io.grpc.netty.NettyClientHandler"})
    void frameLoggersStayAtInfoWhenRootAndGrpcAreRaisedToDebug(String handler) throws Exception {
        // The logger Netty's Http2FrameLogger writes to is the handler class as grpc-netty-shaded relocates it.
        String frameLogger = Class.forName(
                        "io.grpc.netty.shaded." + handler, false, getClass().getClassLoader())
                .getName();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL file = getClass().getClassLoader().getResource(DevConsoleApplication.LOGBACK_CONFIG);
        configurator.doConfigure(file);

        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        context.getLogger("io.grpc").setLevel(Level.DEBUG);

        assertThat(context.getLogger("io.grpc.netty.shaded.io.grpc.netty.Utils").isDebugEnabled())
                .isTrue();
        assertThat(context.getLogger(frameLogger).isDebugEnabled()).isFalse();
        assertThat(context.getLogger(frameLogger).isInfoEnabled()).isTrue();
    }
}
