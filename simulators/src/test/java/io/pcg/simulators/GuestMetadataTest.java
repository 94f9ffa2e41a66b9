package io.pcg.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.simulators.vsphere.GuestMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestMetadataTest {

    @Test
    void rendersCapvMetadataWithStaticAddressesGatewayAndNameservers() {
        String metadata = GuestMetadata.render(
                "gw-abcde",
                List.of(new GuestMetadata.Device(
                        "00:50:56:aa:bb:cc",
                        null,
                        false,
                        false,
                        List.of("10.10.0.11/24"),
                        "10.10.0.1",
                        null,
                        List.of("10.10.0.2"),
                        List.of("lab.local"))));

        assertThat(metadata).isEqualTo("""
                instance-id: "gw-abcde"
                local-hostname: "gw-abcde"
                wait-on-network:
                  ipv4: true
                  ipv6: false
                network:
                  version: 2
                  ethernets:
                    id0:
                      match:
                        macaddress: "00:50:56:aa:bb:cc"
                      set-name: "eth0"
                      wakeonlan: true
                      dhcp4: false
                      dhcp6: false
                      accept-ra: false
                      addresses:
                      - "10.10.0.11/24"
                      gateway4: "10.10.0.1"
                      nameservers:
                        addresses:
                        - "10.10.0.2"
                        search:
                        - "lab.local"
                """);
        assertThat(GuestMetadata.addresses(metadata)).containsExactly("10.10.0.11/24");
        assertThat(GuestMetadata.decode(GuestMetadata.base64(metadata))).isEqualTo(metadata);
    }

    @Test
    void dhcpDeviceHasNoAddressesAndKeepsItsDeviceName() {
        String metadata = GuestMetadata.render(
                "gw-x",
                List.of(new GuestMetadata.Device(
                        "00:50:56:00:00:01", "ens192", true, false, List.of(), null, null, List.of(), List.of())));

        assertThat(metadata)
                .contains("set-name: \"ens192\"", "dhcp4: true")
                .doesNotContain("addresses:", "gateway4", "nameservers");
        assertThat(GuestMetadata.addresses(metadata)).isEmpty();
    }
}
