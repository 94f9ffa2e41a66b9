package io.pcg.agent.vsphere;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * vCenter client settings, bound from {@code pcg.vsphere.*}.
 *
 * @param connectTimeout TCP/TLS connect timeout towards vCenter (and ESXi hosts for NFC uploads)
 * @param readTimeout    how long one SOAP/REST call may wait for its answer
 * @param pageSize       objects per PropertyCollector page; vCenter may return fewer
 * @param leaseTimeout   how long an OVF import may wait for its NFC lease to become ready
 */
@ConfigurationProperties("pcg.vsphere")
public record VsphereConfig(
        @Bindable(defaultValue = DEFAULT_CONNECT_TIMEOUT) Duration connectTimeout,
        @Bindable(defaultValue = DEFAULT_READ_TIMEOUT) Duration readTimeout,
        @Bindable(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize,
        @Bindable(defaultValue = DEFAULT_LEASE_TIMEOUT) Duration leaseTimeout) {

    public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
    public static final String DEFAULT_READ_TIMEOUT = "60s";
    public static final int DEFAULT_PAGE_SIZE = 5000;
    public static final String DEFAULT_LEASE_TIMEOUT = "5m";

    public static VsphereConfig defaults() {
        return new VsphereConfig(
                Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_PAGE_SIZE, Duration.ofMinutes(5));
    }

    public VsphereConfig withTimeouts(Duration connect, Duration read) {
        return new VsphereConfig(connect, read, pageSize, leaseTimeout);
    }

    public VsphereConfig withPageSize(int size) {
        return new VsphereConfig(connectTimeout, readTimeout, size, leaseTimeout);
    }
}
