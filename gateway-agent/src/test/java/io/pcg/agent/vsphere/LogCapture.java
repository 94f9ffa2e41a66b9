package io.pcg.agent.vsphere;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** Records every log event at TRACE (messages, arguments and exception texts) so tests can look for secrets. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previousLevel = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
    }

    /** Everything logged so far, one event per line with its exception chain and stack. */
    public String text() {
        List<ILoggingEvent> events = List.copyOf(appender.list);
        return events.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage() + throwable(e.getThrowableProxy()))
                .collect(Collectors.joining("\n"));
    }

    private static String throwable(IThrowableProxy proxy) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy t = proxy; t != null; t = t.getCause()) {
            text.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                text.append("\n    ").append(frame.getSTEAsString());
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
    }
}
