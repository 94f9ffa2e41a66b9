package io.pcg.installer;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import io.pcg.installer.host.HostNetworkProbe;
import io.pcg.installer.host.NetworkProbe;
import io.pcg.installer.ovf.IsoTransportSource;
import io.pcg.installer.ovf.OvfEnvironmentSource;
import io.pcg.installer.ovf.VmwareToolsSource;
import java.time.Duration;
import java.util.List;

/**
 * The installer's outside world: the programs it runs, the VM's network and the OVF transports, tried in order.
 * Tests pass fakes; {@link #system()} is the appliance.
 */
public record Host(CommandRunner commands, NetworkProbe network, List<OvfEnvironmentSource> ovfTransports) {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    public static Host system() {
        CommandRunner commands = new ProcessCommandRunner(COMMAND_TIMEOUT);
        return new Host(
                commands,
                new HostNetworkProbe(),
                List.of(new VmwareToolsSource(commands), IsoTransportSource.system()));
    }
}
