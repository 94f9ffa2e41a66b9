package io.pcg.installer.ovf;

import io.pcg.common.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The "VMware Tools" OVF transport: vSphere puts the document in guestinfo.ovfEnv, open-vm-tools reads it. */
public final class VmwareToolsSource implements OvfEnvironmentSource {

    private static final List<String> COMMAND = List.of("vmtoolsd", "--cmd", "info-get guestinfo.ovfEnv");

    private final CommandRunner commands;

    public VmwareToolsSource(CommandRunner commands) {
        this.commands = commands;
    }

    @Override
    public String description() {
        return "VMware Tools (vmtoolsd --cmd \"info-get guestinfo.ovfEnv\")";
    }

    @Override
    public Optional<byte[]> read() {
        try {
            CommandRunner.Result result = commands.run(COMMAND);
            // vmtoolsd exits non-zero with "No value found" when the VM has no vApp environment.
            if (!result.succeeded() || result.stdout().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(result.stdout().strip().getBytes(StandardCharsets.UTF_8));
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
    }
}
