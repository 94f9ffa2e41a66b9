package io.pcg.agent.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Makes the agent's log complete and safe whatever the configured levels: gRPC's java.util.logging output is routed
 * into Logback, and the HTTP/2 frame dumps of gRPC's Netty handlers are dropped below INFO, because they hex-dump
 * message bytes: the PIN in Pair requests and vCenter passwords in command payloads.
 */
public final class LogSafety {

    /** gRPC's Netty transport logs frames under its handler classes (shaded or not), client and server side. */
    private static final List<String> FRAME_LOGGER_SUFFIXES =
            List.of("io.grpc.netty.NettyClientHandler", "io.grpc.netty.NettyServerHandler");

    private LogSafety() {}

    public static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(FrameDumpFilter.class::isInstance)) {
            FrameDumpFilter filter = new FrameDumpFilter();
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    /** Denies DEBUG and TRACE events of the gRPC Netty frame loggers. */
    static final class FrameDumpFilter extends TurboFilter {
        @Override
        public FilterReply decide(
                Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level != null && !level.isGreaterOrEqual(Level.INFO) && isFrameLogger(logger.getName())) {
                return FilterReply.DENY;
            }
            return FilterReply.NEUTRAL;
        }

        private static boolean isFrameLogger(String name) {
            return FRAME_LOGGER_SUFFIXES.stream().anyMatch(name::endsWith);
        }
    }
}
