package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.agent.vsphere.ValidationReport.Check;
import io.pcg.agent.vsphere.ValidationReport.Status;
import io.pcg.agent.vsphere.VsphereClient.HostTimeSettings;
import io.pcg.agent.vsphere.VsphereClient.ServerIdentity;
import io.pcg.agent.vsphere.VsphereClient.TagRef;
import io.pcg.agent.vsphere.VsphereInventory.ComputeCluster;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.agent.vsphere.VsphereInventory.Datastore;
import io.pcg.agent.vsphere.VsphereInventory.Folder;
import io.pcg.agent.vsphere.VsphereInventory.Host;
import io.pcg.agent.vsphere.VsphereInventory.Network;
import io.pcg.agent.vsphere.VsphereInventory.ResourcePool;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Report building on a fake vCenter: the all-green path vcsim cannot show (NTP), and resolution rules. */
class PlacementValidatorTest {

    private static final Moref ROOT = new Moref("Folder", "group-d1");
    private static final Moref DC = new Moref("Datacenter", "dc-1");
    private static final Moref CLUSTER = new Moref("ClusterComputeResource", "c-1");
    private static final Moref H1 = new Moref("HostSystem", "h-1");
    private static final Moref H2 = new Moref("HostSystem", "h-2");
    private static final Moref DS = new Moref("Datastore", "ds-1");
    private static final Moref POOL = new Moref("ResourcePool", "rp-1");

    private final PlacementValidator validator = new PlacementValidator(PrivilegeRequirements.load());

    private static FakeVsphereClient vcenter(String apiType, String apiVersion) {
        FakeVsphereClient fake = new FakeVsphereClient();
        fake.identity = new ServerIdentity(
                "vc.example.com",
                443,
                "VMware vCenter Server 7.0.3",
                apiType,
                apiVersion,
                "7.0.3",
                "20150588",
                "uuid",
                null,
                "VSPHERE.LOCAL\\pcg",
                ROOT);
        fake.inventory = new VsphereInventory(List.of(new Datacenter(
                DC,
                "dc-1",
                "/dc-1",
                List.of(new ComputeCluster(CLUSTER, "cluster-1", "/dc-1/host/cluster-1", true, List.of(H1, H2), POOL)),
                List.of(
                        new Host(H1, "esx-1", "/dc-1/host/cluster-1/esx-1", CLUSTER, "connected", false, List.of(DS)),
                        new Host(H2, "esx-2", "/dc-1/host/cluster-1/esx-2", CLUSTER, "connected", false, List.of(DS))),
                List.of(new Datastore(
                        DS, "vsanDatastore", "/dc-1/datastore/vsanDatastore", "vsan", 100, 50, true, List.of())),
                List.of(
                        new Network(new Moref("Network", "n-1"), "VM Network", "/dc-1/network/VM Network", "Network"),
                        new Network(
                                new Moref("Network", "n-2"),
                                "VM Network",
                                "/dc-1/network/other/VM Network",
                                "Network")),
                List.of(new ResourcePool(POOL, "Resources", "/dc-1/host/cluster-1/Resources", CLUSTER)),
                List.of(
                        new Folder(new Moref("Folder", "f-1"), "vm", "/dc-1/vm"),
                        new Folder(new Moref("Folder", "f-2"), "pcg", "/dc-1/vm/pcg")),
                List.of())));
        fake.hostTimes.put(H1, new HostTimeSettings(H1, "esx-1", List.of("0.pool.ntp.org"), true));
        fake.hostTimes.put(H2, new HostTimeSettings(H2, "esx-2", List.of("0.pool.ntp.org"), true));
        fake.tags.put(DC, List.of(new TagRef("k8s-region", "region1")));
        fake.tags.put(CLUSTER, List.of(new TagRef("k8s-zone", "az1")));
        return fake;
    }

    private static final Placement PLACEMENT =
            new Placement("dc-1", "cluster-1", "vsanDatastore", "/dc-1/network/VM Network", null, "pcg");

    @Test
    void aCompliantVcenterPassesEveryCheck() {
        ValidationReport report = validator.validate(vcenter("VirtualCenter", "7.0.3.0"), PLACEMENT);
        assertThat(report.checks())
                .allSatisfy(c ->
                        assertThat(c.status()).as(c.id() + " " + c.message()).isEqualTo(Status.PASS));
        assertThat(report.status()).isEqualTo(Status.PASS);
        assertThat(report.checks())
                .extracting(Check::id)
                .containsExactly(
                        "credentials",
                        "version",
                        "placement.datacenter",
                        "placement.cluster",
                        "placement.datastore",
                        "placement.network",
                        "placement.resourcePool",
                        "placement.folder",
                        "privileges.vcenter",
                        "privileges.cluster",
                        "privileges.datastore",
                        "privileges.network",
                        "privileges.resource-pool",
                        "privileges.folder",
                        "ntp",
                        "shared-storage",
                        "tags.region",
                        "tags.zone");
        assertThat(report.checks("ntp").get(0).message())
                .contains("all 2 hosts")
                .contains("0.pool.ntp.org");
        assertThat(report.checks("placement.folder").get(0).object()).isEqualTo("/dc-1/vm/pcg");
    }

    @Test
    void ntpStoppedOnOneHostFailsAndNamesIt() {
        FakeVsphereClient fake = vcenter("VirtualCenter", "7.0.3");
        fake.hostTimes.put(H2, new HostTimeSettings(H2, "esx-2", List.of("0.pool.ntp.org"), false));
        Check ntp = validator.validate(fake, PLACEMENT).checks("ntp").get(0);
        assertThat(ntp.status()).isEqualTo(Status.FAIL);
        assertThat(ntp.message()).contains("1 of 2 hosts: esx-2 (NTP service stopped)");
    }

    @Test
    void anAmbiguousNameAsksForThePath() {
        ValidationReport report = validator.validate(
                vcenter("VirtualCenter", "7.0.3"),
                new Placement("dc-1", "cluster-1", "vsanDatastore", "VM Network", null, null));
        Check network = report.checks("placement.network").get(0);
        assertThat(network.status()).isEqualTo(Status.FAIL);
        assertThat(network.message()).contains("names 2 objects");
        assertThat(network.hint()).contains("full inventory path");
        assertThat(report.checks("privileges.network")).isEmpty();
    }

    @Test
    void missingTagsWarnWithTheGuidesExample() {
        FakeVsphereClient fake = vcenter("VirtualCenter", "7.0.3");
        fake.tags.clear();
        fake.tags.put(DC, List.of(new TagRef("owner", "platform")));
        ValidationReport report = validator.validate(fake, PLACEMENT);
        assertThat(report.checks("tags.region").get(0)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.WARN);
            assertThat(c.hint()).contains("dc-1 → k8s-region: region1");
        });
        assertThat(report.checks("tags.zone").get(0).status()).isEqualTo(Status.WARN);
        assertThat(report.status()).isEqualTo(Status.WARN);
    }

    @Test
    void anEsxiHostIsNotAVcenter() {
        Check version = validator
                .validate(vcenter("HostAgent", "7.0.3"), PLACEMENT)
                .checks("version")
                .get(0);
        assertThat(version.status()).isEqualTo(Status.FAIL);
        assertThat(version.hint()).contains("not an ESXi host");
    }

    @Test
    void deniedPrivilegesAreListedOnTheirObject() {
        FakeVsphereClient fake = vcenter("VirtualCenter", "8.0.2.0");
        fake.denied.put(POOL, Set.of("Resource.AssignVMToPool", "VApp.Import"));
        Check pool = validator
                .validate(fake, PLACEMENT)
                .checks("privileges.resource-pool")
                .get(0);
        assertThat(pool.status()).isEqualTo(Status.FAIL);
        assertThat(pool.object()).isEqualTo("/dc-1/host/cluster-1/Resources");
        assertThat(pool.message())
                .contains("lacks 2 of 6")
                .contains("Resource > Assign virtual machine to resource pool (Resource.AssignVMToPool)")
                .contains("vApp > Import (VApp.Import)");
        assertThat(pool.hint()).contains("Spectro role").contains("VSPHERE.LOCAL\\pcg");
    }

    @ParameterizedTest
    @CsvSource({"6.7.3, 0", "6.7.3.0, 0", "6.7, -1", "6.5, -1", "7.0, 1", "8.0.2.0, 1", "6.7.2, -1", "garbage, -1"})
    void comparesApiVersions(String version, int sign) {
        assertThat(Integer.signum(PlacementValidator.compareVersions(version, new int[] {6, 7, 3})))
                .isEqualTo(sign);
    }

    @Test
    void findPrefersTheExactPathThenNameOrSuffix() {
        List<Check> checks = new ArrayList<>();
        List<String> items = List.of("/dc/vm/a", "/dc/vm/x/a", "/dc/vm/b");
        assertThat(PlacementValidator.find(
                        "t", "folder", "/dc/vm/a", items, p -> p.substring(p.lastIndexOf('/') + 1), p -> p, checks))
                .isEqualTo("/dc/vm/a");
        assertThat(PlacementValidator.find(
                        "t", "folder", "x/a", items, p -> p.substring(p.lastIndexOf('/') + 1), p -> p, checks))
                .isEqualTo("/dc/vm/x/a");
        assertThat(PlacementValidator.find(
                        "t", "folder", "a", items, p -> p.substring(p.lastIndexOf('/') + 1), p -> p, checks))
                .isNull();
        assertThat(checks.get(2).message()).contains("names 2 objects");
    }
}
