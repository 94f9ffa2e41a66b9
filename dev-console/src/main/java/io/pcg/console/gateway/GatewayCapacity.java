package io.pcg.console.gateway;

import io.micronaut.serde.annotation.Serdeable;

/** What the appliance VM reported it has: logical CPUs, memory and free disk under its state directory. */
@Serdeable
public record GatewayCapacity(int cpus, long memoryBytes, long diskFreeBytes) {}
