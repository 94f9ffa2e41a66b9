package io.pcg.agent.logbundle;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the {@value LogsCollectHandler#TYPE} command, bound from {@code pcg.agent.log-bundle.*}.
 *
 * @param script        the collection script; the image installs it at {@value #DEFAULT_SCRIPT}
 * @param arguments     extra arguments for the script before the agent's own {@code --out} and
 *                      {@code --max-total-mb}, e.g. {@code --max-lines 2000} or {@code --root /mnt/disk}; none by default
 * @param timeout       how long the script may run before it is killed and the command fails
 * @param uploadTimeout how long one upload of the bundle to the console may take
 * @param chunkSize     bytes per uploaded chunk; the protocol allows at most {@value #MAX_CHUNK_SIZE}
 * @param maxSize       largest bundle the agent uploads, in bytes; the script is asked to keep its content under it
 */
@ConfigurationProperties("pcg.agent.log-bundle")
public record LogBundleConfig(
        @Bindable(defaultValue = DEFAULT_SCRIPT) Path script,
        @Nullable List<String> arguments,
        @Bindable(defaultValue = DEFAULT_TIMEOUT) Duration timeout,
        @Bindable(defaultValue = DEFAULT_UPLOAD_TIMEOUT) Duration uploadTimeout,
        @Bindable(defaultValue = "" + DEFAULT_CHUNK_SIZE) int chunkSize,
        @Bindable(defaultValue = "" + DEFAULT_MAX_SIZE) long maxSize) {

    /** Where the image installs collect-logs.sh, with its lib/ next to it. */
    public static final String DEFAULT_SCRIPT = "/opt/pcg/scripts/collect-logs.sh";
    /** The script reads journals and runs kubectl with its own 120 s per command; ten minutes covers a slow appliance. */
    public static final String DEFAULT_TIMEOUT = "10m";

    public static final String DEFAULT_UPLOAD_TIMEOUT = "5m";
    /** Small enough to keep the upload's memory low, large enough that per-message overhead does not matter. */
    public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;
    /** The protocol's bound on one chunk (gateway.proto, UploadLogBundle). */
    public static final int MAX_CHUNK_SIZE = 1024 * 1024;
    /** The script's own default content cap is 200 MiB; compressed, a bundle stays well under this. */
    public static final long DEFAULT_MAX_SIZE = 256L * 1024 * 1024;

    public LogBundleConfig {
        arguments = arguments == null
                ? List.of()
                : arguments.stream().filter(argument -> !argument.isEmpty()).toList();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("pcg.agent.log-bundle.timeout must be positive, got " + timeout);
        }
        if (uploadTimeout.isNegative() || uploadTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "pcg.agent.log-bundle.upload-timeout must be positive, got " + uploadTimeout);
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("pcg.agent.log-bundle.chunk-size must be between 1 and " + MAX_CHUNK_SIZE
                    + " bytes, got " + chunkSize);
        }
        if (maxSize < 1024 * 1024) {
            throw new IllegalArgumentException(
                    "pcg.agent.log-bundle.max-size must be at least 1 MiB (1048576), got " + maxSize);
        }
    }

    /** The script's {@code --max-total-mb}: its content cap, so that the compressed bundle fits {@link #maxSize}. */
    int maxContentMiB() {
        return (int) Math.min(Integer.MAX_VALUE, maxSize / (1024 * 1024));
    }
}
