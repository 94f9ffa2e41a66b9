package io.pcg.agent.logs;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pcg.common.secrets.KnownSecrets;

/**
 * The agent's log layout (logback.xml): the usual pattern, with every secret value the agent has seen and every PEM
 * private key replaced by {@code ***} in the finished line, so the message, its arguments, the exception messages
 * and stack traces of the logged throwable and its causes are all covered. The safety net behind never logging a
 * secret; see {@link KnownSecrets} for what gets registered.
 */
public class MaskingPatternLayout extends PatternLayout {

    @Override
    public String doLayout(ILoggingEvent event) {
        return KnownSecrets.mask(super.doLayout(event));
    }
}
