package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.agent.vsphere.PrivilegeRequirements.Requirement;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrivilegeRequirementsTest {

    private final PrivilegeRequirements requirements = PrivilegeRequirements.load();

    @Test
    void coversBothRoleTablesOfTheGuide() {
        assertThat(requirements.requirements())
                .filteredOn(r -> r.role().equals("root-level"))
                .hasSize(9);
        assertThat(requirements.requirements())
                .filteredOn(r -> r.role().equals("spectro"))
                .hasSize(102);
        assertThat(requirements.privilegeIds())
                .contains(
                        "Datastore.Browse",
                        "Cns.Searchable",
                        "StorageProfile.View",
                        "StorageViews.View",
                        "Sessions.ValidateSession",
                        "InventoryService.Tagging.CreateTag",
                        "VirtualMachine.Config.AddNewDisk",
                        "Host.Config.Storage",
                        "Vsan.Cluster.ShallowRekey",
                        "VirtualMachine.Provisioning.MarkAsTemplate",
                        "Resource.AssignVMToPool");
        assertThat(requirements.requirements())
                .filteredOn(r -> r.role().equals("root-level"))
                .allSatisfy(r -> assertThat(r.objects()).containsExactly(PlacementObject.VCENTER));
        assertThat(requirements.on(PlacementObject.DATASTORE))
                .extracting(Requirement::privilegeId)
                .hasSize(6)
                .allMatch(id -> id.startsWith("Datastore."));
    }

    /**
     * Every privilege named in the guide's two tables (seed 002) appears in the resource, and nothing else does:
     * the tables are requirements, so drift either way must fail.
     */
    @Test
    void matchesTheSeedTablesCellForCell() throws Exception {
        Path seeds = Path.of(System.getProperty("pcg.shared.dir", "../../shared"), "seeds");
        Path guide;
        try (var files = Files.list(seeds)) {
            guide = files.filter(f -> f.getFileName().toString().startsWith("002_"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> lines = Files.readAllLines(guide);
        Set<String> seedNames = new HashSet<>();
        boolean inTable = false;
        for (String line : lines) {
            if (line.startsWith("Privileges under")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.contains("|")) {
                inTable = false;
            }
            if (!inTable || line.startsWith("vSphere Object") || line.startsWith("---")) {
                continue;
            }
            for (String cell : line.split("\\|")) {
                String name = cell.strip().replaceFirst("^\\* ", "");
                if (!name.isEmpty()) {
                    seedNames.add(name);
                }
            }
        }
        Set<String> resourceNames = new HashSet<>();
        for (Requirement r : requirements.requirements()) {
            resourceNames.add(r.seedObject());
            resourceNames.addAll(List.of(r.seedPrivilege().split(" > ")));
        }
        assertThat(seedNames).isNotEmpty();
        assertThat(resourceNames).containsAll(seedNames);
        List<String> notInSeed = new ArrayList<>(resourceNames);
        notInSeed.removeAll(seedNames);
        assertThat(notInSeed).isEmpty();
    }

    @Test
    void malformedLinesNameTheirLineNumber() {
        assertThatThrownBy(() -> PrivilegeRequirements.parse(
                        new StringReader("# c\n\nspectro | Cns | Searchable | Cns.Searchable\n")))
                .hasMessageContaining("line 3");
        assertThatThrownBy(() ->
                        PrivilegeRequirements.parse(new StringReader("spectro | Cns | S | Cns.Searchable | moon\n")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("unknown vSphere object kind 'moon'");
        assertThatThrownBy(() ->
                        PrivilegeRequirements.parse(new StringReader("admin | Cns | S | Cns.Searchable | vcenter\n")))
                .hasMessageContaining("role must be");
    }
}
