package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.vsphere.VsphereClient.TagRef;
import io.pcg.agent.vsphere.VsphereClient.TemplatePlacement;
import io.pcg.agent.vsphere.VsphereInventory.ComputeCluster;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inventory discovery, VM listing, tag reads and node template import against vcsim. */
class VsphereInventoryIT {

    @RegisterExtension
    static final VcsimExtension VCSIM =
            new VcsimExtension("-dc", "1", "-cluster", "2", "-host", "2", "-vm", "3", "-pool", "1", "-folder", "1");

    private static Vcsim vcsim;
    private static VsphereClient client;
    private static String pin;

    @BeforeAll
    static void start() throws Exception {
        vcsim = VCSIM.vcsim();
        pin = VcsimAccess.thumbprints(vcsim).sha256();
        client = VcsimAccess.connectPinned(vcsim);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void discoversTheWholePlacementInventory() throws Exception {
        VsphereInventory inventory = client.inventory();
        assertThat(inventory.datacenters()).extracting(Datacenter::name).containsExactly("DC0");
        Datacenter dc = inventory.datacenters().get(0);
        assertThat(dc.path()).isEqualTo("/F0/DC0");
        assertThat(dc.clusters())
                .filteredOn(ComputeCluster::cluster)
                .extracting(ComputeCluster::path)
                .containsExactly("/F0/DC0/host/F0/DC0_C0", "/F0/DC0/host/F0/DC0_C1");
        ComputeCluster c0 = dc.clusters().stream()
                .filter(c -> c.name().equals("DC0_C0"))
                .findFirst()
                .orElseThrow();
        assertThat(c0.hosts()).hasSize(2);
        assertThat(dc.hosts()).extracting(VsphereInventory.Host::path).contains("/F0/DC0/host/F0/DC0_C0/DC0_C0_H0");
        assertThat(dc.hosts()).allSatisfy(h -> assertThat(h.connectionState()).isEqualTo("connected"));
        assertThat(dc.datastores()).singleElement().satisfies(ds -> {
            assertThat(ds.name()).isEqualTo("LocalDS_0");
            assertThat(ds.capacityBytes()).isPositive();
            assertThat(ds.freeBytes()).isPositive().isLessThanOrEqualTo(ds.capacityBytes());
        });
        assertThat(dc.networks()).extracting(VsphereInventory.Network::name).contains("VM Network", "DC0_DVPG0");
        assertThat(dc.resourcePools())
                .extracting(VsphereInventory.ResourcePool::path)
                .contains("/F0/DC0/host/F0/DC0_C0/Resources", "/F0/DC0/host/F0/DC0_C0/Resources/DC0_C0_RP1");
        assertThat(dc.vmFolders()).extracting(VsphereInventory.Folder::path).contains("/F0/DC0/vm", "/F0/DC0/vm/F0");
    }

    @Test
    void pagingWithTinyPagesGivesTheSameInventory() throws Exception {
        try (VsphereClient paged = VsphereConnector.connect(
                VcsimAccess.login(vcsim, pin), VsphereConfig.defaults().withPageSize(3))) {
            assertThat(paged.inventory()).isEqualTo(client.inventory());
            assertThat(paged.virtualMachines()).containsExactlyInAnyOrderElementsOf(client.virtualMachines());
        }
    }

    @Test
    void listsVmsWithTheirTenProperties() throws Exception {
        List<VsphereClient.VmSummary> vms = client.virtualMachines();
        // vcsim puts -vm VMs in each compute resource's root pool: one standalone host and two clusters
        assertThat(vms).hasSize(3 * (1 + 2));
        assertThat(vms).allSatisfy(vm -> {
            assertThat(vm.name()).isNotBlank();
            assertThat(vm.powerState()).isEqualTo("poweredOn");
            assertThat(vm.host().type()).isEqualTo("HostSystem");
            assertThat(vm.resourcePool().type()).isEqualTo("ResourcePool");
            assertThat(vm.folder().type()).isEqualTo("Folder");
            assertThat(vm.cpus()).isPositive();
            assertThat(vm.memoryMb()).isPositive();
            assertThat(vm.datastores()).isNotEmpty();
        });
    }

    @Test
    void readsZoneTagsThroughTheRestApi() throws Exception {
        vcsim.govc("tags.category.create", "-t", "Datacenter", "k8s-region");
        vcsim.govc("tags.category.create", "-t", "ClusterComputeResource", "k8s-zone");
        vcsim.govc("tags.create", "-c", "k8s-region", "region1");
        vcsim.govc("tags.create", "-c", "k8s-zone", "az1");
        vcsim.govc("tags.attach", "region1", "/F0/DC0");
        vcsim.govc("tags.attach", "az1", "/F0/DC0/host/F0/DC0_C0");
        Datacenter dc = client.inventory().datacenters().get(0);
        Moref c0 = dc.clusters().stream()
                .filter(c -> c.name().equals("DC0_C0"))
                .findFirst()
                .orElseThrow()
                .ref();
        Moref c1 = dc.clusters().stream()
                .filter(c -> c.name().equals("DC0_C1"))
                .findFirst()
                .orElseThrow()
                .ref();
        var tags = client.attachedTags(List.of(dc.ref(), c0, c1));
        assertThat(tags.get(dc.ref())).containsExactly(new TagRef("k8s-region", "region1"));
        assertThat(tags.get(c0)).containsExactly(new TagRef("k8s-zone", "az1"));
        assertThat(tags.get(c1)).isEmpty();
    }

    @Test
    void importsTheNodeTemplateOnceThenFindsIt() throws Exception {
        Path ovf = Path.of(VsphereInventoryIT.class
                .getResource("node-template/pcg-node.ovf")
                .toURI());
        Datacenter dc = client.inventory().datacenters().get(0);
        ComputeCluster c0 = dc.clusters().stream()
                .filter(c -> c.name().equals("DC0_C0"))
                .findFirst()
                .orElseThrow();
        VsphereInventory.Folder nested = dc.vmFolders().stream()
                .filter(f -> f.path().equals("/F0/DC0/vm/F0"))
                .findFirst()
                .orElseThrow();
        TemplatePlacement placement = new TemplatePlacement(
                c0.rootResourcePool(),
                nested.ref(),
                dc.datastores().get(0).ref(),
                dc.networks().stream()
                        .filter(n -> n.name().equals("VM Network"))
                        .findFirst()
                        .orElseThrow()
                        .ref());

        NodeTemplates.Outcome first = NodeTemplates.findOrImport(client, "DC0", "pcg-node-1.28", ovf, placement);
        NodeTemplates.Outcome second = NodeTemplates.findOrImport(client, "DC0", "pcg-node-1.28", ovf, placement);

        assertThat(first.imported()).isTrue();
        assertThat(first.path()).isEqualTo("/F0/DC0/vm/F0/pcg-node-1.28");
        assertThat(second.imported()).isFalse();
        assertThat(second.template()).isEqualTo(first.template());
        assertThat(client.inventory().datacenters().get(0).templates())
                .extracting(VsphereInventory.Template::name)
                .containsExactly("pcg-node-1.28");
        assertThat(vcsim.govc("datastore.ls", "-ds", "LocalDS_0", "pcg-node-1.28"))
                .contains("vmdk");
    }

    @Test
    void inventoryCommandReturnsJson() throws Exception {
        try (VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            String payload = "{\"server\":\"" + vcsim.server() + "\",\"username\":\"" + Vcsim.USERNAME
                    + "\",\"password\":\"" + Vcsim.PASSWORD + "\",\"thumbprint\":\"" + pin + "\"}";
            String result =
                    new VsphereInventoryHandler(sessions).handle(new AgentCommand("i1", "vsphere.inventory", payload));
            JsonNode json = new ObjectMapper().readTree(result);
            assertThat(json.at("/server/apiType").asText()).isEqualTo("VirtualCenter");
            assertThat(json.at("/server/thumbprints/sha256").asText()).isEqualTo(pin);
            assertThat(json.at("/inventory/datacenters/0/clusters").size()).isEqualTo(3);
            assertThat(result).doesNotContain(Vcsim.PASSWORD);
        }
    }
}
