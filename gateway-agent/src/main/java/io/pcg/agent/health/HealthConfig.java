package io.pcg.agent.health;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How the agent judges the health of the cluster it manages, bound from {@code pcg.agent.health.*}. The product guide
 * ("Cluster Health") names the three inputs (missing heartbeats, node conditions, usage over a threshold for a
 * period) but gives no figures; the defaults are the usual alerting ones (90 % for 5 minutes, 4 heartbeats missed).
 *
 * @param interval          how often nodes and usage are read, and the health reported to the console
 * @param heartbeatTimeout  no heartbeat sent for this long means heartbeats are missing
 * @param cpuThreshold      CPU usage, in percent of the allocatable cores, that is too high
 * @param cpuPeriod         how long CPU usage must stay over {@code cpuThreshold} to make the cluster unhealthy
 * @param memoryThreshold   memory usage, in percent of the allocatable memory, that is too high
 * @param memoryPeriod      how long memory usage must stay over {@code memoryThreshold}
 * @param historySize       usage samples kept for charts (one per {@code interval}); must cover the longer period
 */
@ConfigurationProperties("pcg.agent.health")
public record HealthConfig(
        @Bindable(defaultValue = DEFAULT_INTERVAL) Duration interval,
        @Bindable(defaultValue = DEFAULT_HEARTBEAT_TIMEOUT) Duration heartbeatTimeout,

        @Bindable(defaultValue = "" + DEFAULT_THRESHOLD_PERCENT)
        double cpuThreshold,

        @Bindable(defaultValue = DEFAULT_PERIOD) Duration cpuPeriod,

        @Bindable(defaultValue = "" + DEFAULT_THRESHOLD_PERCENT)
        double memoryThreshold,

        @Bindable(defaultValue = DEFAULT_PERIOD) Duration memoryPeriod,
        @Bindable(defaultValue = "" + DEFAULT_HISTORY_SIZE) int historySize) {

    public static final String DEFAULT_INTERVAL = "30s";
    /** Four heartbeats at the default 15 s: one lost heartbeat is no outage. */
    public static final String DEFAULT_HEARTBEAT_TIMEOUT = "60s";

    public static final int DEFAULT_THRESHOLD_PERCENT = 90;
    public static final String DEFAULT_PERIOD = "5m";
    /** An hour of samples at the default interval. */
    public static final int DEFAULT_HISTORY_SIZE = 120;

    public HealthConfig {
        positive("interval", interval);
        positive("heartbeat-timeout", heartbeatTimeout);
        positive("cpu-period", cpuPeriod);
        positive("memory-period", memoryPeriod);
        percent("cpu-threshold", cpuThreshold);
        percent("memory-threshold", memoryThreshold);
        if (historySize < 2) {
            throw new IllegalArgumentException("pcg.agent.health.history-size must be at least 2, got " + historySize);
        }
        Duration longest = cpuPeriod.compareTo(memoryPeriod) >= 0 ? cpuPeriod : memoryPeriod;
        if (interval.multipliedBy(historySize - 1L).compareTo(longest) < 0) {
            throw new IllegalArgumentException("pcg.agent.health.history-size " + historySize + " at an interval of "
                    + interval.toMillis() + " ms covers less than the longest period (" + longest.toMillis()
                    + " ms): raise history-size to at least " + (longest.toMillis() / interval.toMillis() + 2)
                    + " or shorten the period");
        }
    }

    /** The defaults, for code that runs outside Micronaut (tests, benchmarks). */
    public static HealthConfig defaults() {
        return new HealthConfig(
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                DEFAULT_THRESHOLD_PERCENT,
                Duration.ofMinutes(5),
                DEFAULT_THRESHOLD_PERCENT,
                Duration.ofMinutes(5),
                DEFAULT_HISTORY_SIZE);
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(
                    "pcg.agent.health." + key + " must be a positive duration such as 30s, got " + value);
        }
    }

    private static void percent(String key, double value) {
        if (!(value > 0 && value <= 100)) {
            throw new IllegalArgumentException(
                    "pcg.agent.health." + key + " must be a percentage above 0 and at most 100, got " + value);
        }
    }
}
