package io.pcg.testkit.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Captures every log event of the JVM at DEBUG (root, gRPC, Netty, Micronaut, io.pcg), java.util.logging included:
 * the formatted message, MDC and every exception text in the cause chain, so tests can prove no secret is ever
 * logged. Restores the levels on close. Start it after any Micronaut application of the test has started: Micronaut
 * reconfigures Logback while it starts.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final List<String> LOGGERS = List.of(
            Logger.ROOT_LOGGER_NAME, "io.grpc", "io.grpc.netty.shaded.io.netty", "io.netty", "io.pcg", "io.micronaut");

    private final List<String> lines = new ArrayList<>();
    private final Map<String, Level> previousLevels = new HashMap<>();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    public static LogCapture capture() {
        routeJavaUtilLogging();
        LogCapture capture = new LogCapture();
        capture.setContext(capture.context);
        capture.start();
        for (String name : LOGGERS) {
            Logger logger = capture.context.getLogger(name);
            capture.previousLevels.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        capture.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    /** gRPC logs through java.util.logging; without the bridge its lines would never reach Logback or this capture. */
    private static synchronized void routeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getLoggerName())
                .append(' ')
                .append(event.getFormattedMessage())
                .append(' ')
                .append(event.getMDCPropertyMap());
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            line.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
            for (StackTraceElementProxy frame : cause.getStackTraceElementProxyArray()) {
                line.append(' ').append(frame.getSTEAsString());
            }
        }
        lines.add(line.toString());
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized String all() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        previousLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
        stop();
    }
}
