package io.pcg.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The dev-console's settings, bound from {@code pcg.console.*}. The admin HTTP API is Micronaut's own HTTP server
 * ({@code micronaut.server.host/port}, 127.0.0.1:9080 by default); these settings cover the agent-facing side.
 *
 * @param grpcPort                 TLS port agents dial for Pairing and Gateway; 0 picks a free port
 * @param grpcHost                 address the gRPC server binds to
 * @param dataDir                  where the CA, the server certificate and the gateway records live; keep it
 *                                 across restarts or every paired agent loses trust in the console
 * @param pinTtl                   how long a freshly issued PIN stays valid
 * @param maxPinFailures           wrong PINs after which a gateway record locks
 * @param heartbeatIntervalSeconds interval the console asks agents to heartbeat at; 0 keeps the agent's own
 * @param offlineAfter             silence after which an Online gateway is shown Offline
 * @param tlsHostnames             DNS names and IP addresses the server certificate is valid for
 * @param clientCertLifetime       validity of the client certificates issued at pairing and renewal; agents renew
 *                                 at 2/3 of it, so tests can set seconds to watch renewals happen
 * @param maxLogBundleSize         largest support bundle (logs.collect) the console stores, in bytes; a larger one is
 *                                 refused before its data is read
 */
@Requires(env = DevConsoleApplication.ENVIRONMENT)
@ConfigurationProperties("pcg.console")
public record ConsoleConfig(
        @Bindable(defaultValue = "9443") int grpcPort,
        @Bindable(defaultValue = "0.0.0.0") String grpcHost,
        @Bindable(defaultValue = DEFAULT_DATA_DIR) Path dataDir,
        @Bindable(defaultValue = "24h") Duration pinTtl,
        @Bindable(defaultValue = "5") int maxPinFailures,
        @Bindable(defaultValue = "0") int heartbeatIntervalSeconds,
        @Bindable(defaultValue = "45s") Duration offlineAfter,
        @Bindable(defaultValue = "localhost,127.0.0.1") List<String> tlsHostnames,
        @Bindable(defaultValue = "365d") Duration clientCertLifetime,

        @Bindable(defaultValue = "" + DEFAULT_MAX_LOG_BUNDLE_SIZE)
        long maxLogBundleSize) {

    public static final String DEFAULT_DATA_DIR = "./dev-console-data";
    /** The agent's own default bound (pcg.agent.log-bundle.max-size), so that what an agent sends by default fits. */
    public static final long DEFAULT_MAX_LOG_BUNDLE_SIZE = 256L * 1024 * 1024;
    /** Shorter lives would leave an agent less than a few seconds between renewals. */
    static final Duration MIN_CLIENT_CERT_LIFETIME = Duration.ofSeconds(10);

    public ConsoleConfig {
        if (maxPinFailures < 1) {
            throw new IllegalArgumentException(
                    "pcg.console.max-pin-failures must be at least 1, got " + maxPinFailures);
        }
        if (pinTtl.isNegative() || pinTtl.isZero()) {
            throw new IllegalArgumentException("pcg.console.pin-ttl must be positive, got " + pinTtl);
        }
        if (offlineAfter.isNegative() || offlineAfter.isZero()) {
            throw new IllegalArgumentException("pcg.console.offline-after must be positive, got " + offlineAfter);
        }
        if (tlsHostnames.isEmpty()) {
            throw new IllegalArgumentException("pcg.console.tls-hostnames must name at least one host the agents dial");
        }
        if (clientCertLifetime.compareTo(MIN_CLIENT_CERT_LIFETIME) < 0) {
            throw new IllegalArgumentException(
                    "pcg.console.client-cert-lifetime must be at least " + MIN_CLIENT_CERT_LIFETIME.toSeconds()
                            + "s (agents renew at 2/3 of it), got " + clientCertLifetime);
        }
        if (maxLogBundleSize < 1) {
            throw new IllegalArgumentException(
                    "pcg.console.max-log-bundle-size must be a positive number of bytes, got " + maxLogBundleSize);
        }
        tlsHostnames = List.copyOf(tlsHostnames);
    }
}
