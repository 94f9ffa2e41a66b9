package io.pcg.agent.events;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Settings of the events the agent sends to the console, bound from {@code pcg.agent.events.*}.
 *
 * @param bufferSize events kept while the console cannot be reached; when more happen, the oldest are dropped and
 *                   one {@value EventPublisher#EVENTS_DROPPED} warning says how many. Texts are cut at
 *                   {@value SafeText#MAX_LENGTH} characters, so even at worst the default holds a few MB
 */
@ConfigurationProperties("pcg.agent.events")
public record EventsConfig(
        @Bindable(defaultValue = "" + DEFAULT_BUFFER_SIZE) int bufferSize) {

    public static final int DEFAULT_BUFFER_SIZE = 1000;

    public EventsConfig {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("pcg.agent.events.buffer-size must be at least 1, got " + bufferSize);
        }
    }
}
