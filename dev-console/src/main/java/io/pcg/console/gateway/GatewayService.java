package io.pcg.console.gateway;

import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** What a tenant admin does with gateway records: create one with a PIN, and issue a fresh PIN. */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayService {

    /** The agent sends its OVF Installer Name verbatim, so keep names to what fits in that property unquoted. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    static final Duration MAX_PIN_TTL = Duration.ofDays(30);

    private final GatewayStore store;
    private final Pins pins;
    private final Clock clock;
    private final ConsoleConfig config;
    private final SecureRandom random = new SecureRandom();

    public GatewayService(GatewayStore store, Pins pins, Clock clock, ConsoleConfig config) {
        this.store = store;
        this.pins = pins;
        this.clock = clock;
        this.config = config;
    }

    /** A PIN in clear together with its record; the only moment anyone sees the PIN. */
    public record IssuedPin(GatewayRecord gateway, String pin) {
        @Override
        public String toString() {
            return "IssuedPin[gateway=" + gateway.id() + ", pin=<redacted>]";
        }
    }

    public IssuedPin create(String name, Optional<Duration> pinTtl) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "gateway name '" + name + "' is not valid: use 1-63"
                            + " letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. pcg-dc1)");
        }
        Duration ttl = validTtl(pinTtl);
        String pin = pins.generate();
        Instant now = clock.instant();
        String id = "gw-" + HexFormat.of().formatHex(randomBytes(6));
        GatewayRecord record = store.insert(GatewayRecord.created(id, name, pins.hash(pin), now, now.plus(ttl)));
        return new IssuedPin(record, pin);
    }

    /** Replaces the PIN, clearing used/expired/lockout; an existing client certificate stays valid. */
    public IssuedPin issueNewPin(String id, Optional<Duration> pinTtl) {
        Duration ttl = validTtl(pinTtl);
        String pin = pins.generate();
        GatewayRecord record = store.update(
                id,
                current -> current.withNewPin(pins.hash(pin), clock.instant().plus(ttl)));
        return new IssuedPin(record, pin);
    }

    private Duration validTtl(Optional<Duration> requested) {
        Duration ttl = requested.orElse(config.pinTtl());
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_PIN_TTL) > 0) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "PIN lifetime must be between 1 second and " + MAX_PIN_TTL.toDays() + " days, got "
                            + ttl.toSeconds() + " seconds");
        }
        return ttl;
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
