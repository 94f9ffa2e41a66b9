package io.pcg.installer;

import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironmentFile;
import io.pcg.installer.ovf.OvfEnvironmentReader;
import io.pcg.installer.validation.VmAddress;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by validate and apply: where the OVF environment and the VM's networks come from. */
final class OvfOptions {

    @Option(
            names = "--ovf-env",
            paramLabel = "FILE",
            description =
                    "Read the OVF environment from FILE instead of VMware Tools (guestinfo.ovfEnv) or the 'OVF ENV' CD.")
    Path ovfEnvironmentFile;

    @Option(
            names = "--vm-network",
            paramLabel = "ADDRESS/PREFIX",
            split = ",",
            converter = VmAddressConverter.class,
            description =
                    "The VM's address or network, e.g. 10.10.0.7/24 (repeatable). Default: this machine's interfaces.")
    List<VmAddress> vmNetworks;

    OvfEnvironmentReader.Found readEnvironment(Host host) throws InvalidOvfEnvironmentException {
        OvfEnvironmentReader reader = ovfEnvironmentFile != null
                ? new OvfEnvironmentReader(List.of(new OvfEnvironmentFile(ovfEnvironmentFile)))
                : new OvfEnvironmentReader(host.ovfTransports());
        return reader.read();
    }

    List<VmAddress> vmAddresses(Host host) {
        return vmNetworks != null ? List.copyOf(vmNetworks) : host.network().addresses();
    }

    static final class VmAddressConverter implements picocli.CommandLine.ITypeConverter<VmAddress> {
        @Override
        public VmAddress convert(String value) {
            return VmAddress.parse(value);
        }
    }
}
