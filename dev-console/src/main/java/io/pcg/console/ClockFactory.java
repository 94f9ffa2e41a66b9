package io.pcg.console;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.time.Clock;

/** One clock for PIN expiry, heartbeats and certificates, so tests can replace it and never sleep. */
@Factory
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ClockFactory {

    /** Secondary so that a test can register its own Clock singleton in the context builder and win. */
    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }
}
