package io.pcg.installer.validation;

import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.net.Cidr;
import io.pcg.common.proxy.NoProxy;
import io.pcg.common.secrets.Secret;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The OVF properties after validation: every value parsed, defaults applied. Only this type reaches the code
 * that changes the system, so nothing is written from unvalidated input.
 *
 * @param httpProxy  present exactly when {@code httpsProxy} is
 * @param vmAddresses the VM's own addresses; their networks go into NO_PROXY
 */
public record InstallerSettings(
        String name,
        ConsoleEndpoint consoleEndpoint,
        Secret pairingCode,
        Optional<SshPublicKey> sshPublicKey,
        Cidr podCidr,
        Cidr serviceCidr,
        Optional<ProxyEndpoint> httpProxy,
        Optional<ProxyEndpoint> httpsProxy,
        NoProxy noProxy,
        List<VmAddress> vmAddresses) {

    public boolean usesProxy() {
        return httpsProxy.isPresent();
    }

    /** The one NO_PROXY computation shared with the cluster nodes: operator entries plus the local networks. */
    public List<String> effectiveNoProxy() {
        Collection<String> vmNetworks = vmAddresses.stream()
                .map(address -> address.network().toString())
                .distinct()
                .toList();
        return NoProxy.effective(noProxy, podCidr, serviceCidr, vmNetworks);
    }

    public Optional<String> primaryAddress() {
        return VmAddress.primary(vmAddresses);
    }
}
