package io.pcg.console;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;

/** One clock for PIN expiry, heartbeats and certificates, so tests can replace it and never sleep. */
@Factory
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ClockFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
