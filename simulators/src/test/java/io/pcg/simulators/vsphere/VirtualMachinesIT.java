package io.pcg.simulators.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The simulated CAPV's view of vCenter, read over its SOAP session, against what govc reports of the same VMs. */
class VirtualMachinesIT {

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void findsAVmByNameAndByBiosUuidAsGovcDescribesIt() throws Exception {
        VirtualMachines vms = new VirtualMachines(VcenterAccess.of(VCSIM.vcsim()));
        JsonNode govc = JSON.readTree(VCSIM.vcsim().govc("vm.info", "-json", "/DC0/vm/DC0_H0_VM0"))
                .path("VirtualMachines")
                .get(0);

        VirtualMachines.VmInfo byName = vms.byName("DC0", "DC0_H0_VM0").orElseThrow();
        assertThat(byName.name()).isEqualTo("DC0_H0_VM0");
        assertThat(byName.biosUuid()).isEqualTo(govc.path("Config").path("Uuid").asText());
        assertThat(byName.instanceUuid())
                .isEqualTo(govc.path("Config").path("InstanceUuid").asText());
        assertThat(byName.moref()).isEqualTo(govc.path("Self").path("Value").asText());
        assertThat(byName.powerState())
                .isEqualTo(govc.path("Runtime").path("PowerState").asText());
        assertThat(byName.numCpus())
                .isEqualTo(govc.path("Config").path("Hardware").path("NumCPU").asInt());
        assertThat(byName.memoryMiB())
                .isEqualTo(govc.path("Config").path("Hardware").path("MemoryMB").asInt());
        assertThat(byName.nics()).isNotEmpty();
        assertThat(byName.nics().get(0).macAddress()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(vms.hostName(byName.host()))
                .isEqualTo(VCSIM.vcsim()
                        .govc("object.collect", "-s", "HostSystem:" + byName.host(), "name")
                        .strip());

        VirtualMachines.VmInfo byUuid = vms.byBiosUuid("DC0", byName.biosUuid()).orElseThrow();
        assertThat(byUuid).isEqualTo(byName);
    }

    @Test
    void aVmThatIsNotThereIsEmptyNotAnError() throws IOException {
        VirtualMachines vms = new VirtualMachines(VcenterAccess.of(VCSIM.vcsim()));
        assertThat(vms.byName("DC0", "no-such-vm")).isEmpty();
        assertThat(vms.byBiosUuid("DC0", "4c4c4544-0000-0000-0000-000000000000"))
                .isEmpty();
    }

    @Test
    void readsExtraConfigAndGuestAddressesAfterConfiguringAClone() throws IOException {
        VirtualMachines vms = new VirtualMachines(VcenterAccess.of(VCSIM.vcsim()));
        VirtualMachines.VmInfo clone = vms.cloneVm(new VirtualMachines.CloneSpec(
                "DC0",
                "DC0_H0_VM0",
                "lookup-clone",
                null,
                null,
                "/DC0/host/DC0_C0/Resources",
                List.of("VM Network"),
                2,
                2048));
        vms.setExtraConfig("DC0", clone.biosUuid(), Map.of("guestinfo.metadata", "e30="));
        vms.customize(
                "DC0",
                clone.biosUuid(),
                "lookup-clone",
                List.of(new VirtualMachines.GuestIp("10.0.0.21", "255.255.255.0", "10.0.0.1")));
        vms.powerOn("DC0", clone.biosUuid());

        VirtualMachines.VmInfo on = vms.byBiosUuid("DC0", clone.biosUuid()).orElseThrow();
        assertThat(on.poweredOn()).isTrue();
        assertThat(on.extraConfig()).containsEntry("guestinfo.metadata", "e30=");
        assertThat(on.ipAddresses()).contains("10.0.0.21");
        assertThat(on.nics().get(0).network()).isEqualTo("VM Network");

        vms.destroy("DC0", clone.biosUuid());
        assertThat(vms.byBiosUuid("DC0", clone.biosUuid())).isEmpty();
    }

    @Test
    void wrongCredentialsAreRefused() {
        VirtualMachines vms =
                new VirtualMachines(VcenterAccess.of(VCSIM.vcsim()).withCredentials(Vcsim.USERNAME, "wrong"));
        assertThatThrownBy(vms::checkSession).isInstanceOf(IOException.class).hasMessageNotContaining("wrong");
    }
}
