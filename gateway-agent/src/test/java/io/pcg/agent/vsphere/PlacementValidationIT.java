package io.pcg.agent.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.vsphere.ValidationReport.Check;
import io.pcg.agent.vsphere.ValidationReport.Status;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.testkit.vsphere.VcsimExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every validation check against vcsim. vcsim grants every privilege, so denials come from {@link FakeVsphereClient}
 * layered over the real session; everything else (inventory, NTP, mounts, tags) is vcsim's real answer.
 */
class PlacementValidationIT {

    private static final Placement GOOD =
            new Placement("DC0", "DC0_C0", "shared-nfs", "VM Network", "DC0_C0/Resources", "");

    @RegisterExtension
    static final VcsimExtension VCSIM = new VcsimExtension("-cluster", "2");

    private static Vcsim vcsim;
    private static VsphereClient client;
    private static String pin;
    private static LogCapture logs;
    private static final PlacementValidator VALIDATOR = new PlacementValidator(PrivilegeRequirements.load());

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.capture();
        vcsim = VCSIM.vcsim();
        Path nfs = Files.createTempDirectory("pcg-nfs");
        // A datastore every host of DC0_C0 mounts, and zone tags on the datacenter and DC0_C0 only.
        vcsim.govc(
                "datastore.create",
                "-type",
                "local",
                "-name",
                "shared-nfs",
                "-path",
                nfs.toString(),
                "/DC0/host/DC0_C0");
        vcsim.govc("tags.category.create", "k8s-region");
        vcsim.govc("tags.category.create", "k8s-zone");
        vcsim.govc("tags.create", "-c", "k8s-region", "region1");
        vcsim.govc("tags.create", "-c", "k8s-zone", "az1");
        vcsim.govc("tags.attach", "region1", "/DC0");
        vcsim.govc("tags.attach", "az1", "/DC0/host/DC0_C0");
        pin = VcsimAccess.thumbprints(vcsim).sha256();
        client = VcsimAccess.connectPinned(vcsim);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        String logged = logs.all();
        logs.close();
        assertThat(logged).doesNotContain(Vcsim.PASSWORD);
    }

    @Test
    void reportsEveryCheckForAGoodPlacement() {
        ValidationReport report = VALIDATOR.validate(client, GOOD);

        assertThat(status(report, "credentials")).isEqualTo(Status.PASS);
        // vcsim reports vCenter 6.5: below the recommended 6.7U3
        assertThat(report.checks("version")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.WARN);
            assertThat(c.hint()).contains("6.7U3");
        });
        for (String id : Set.of(
                "placement.datacenter",
                "placement.cluster",
                "placement.datastore",
                "placement.network",
                "placement.resourcePool",
                "placement.folder")) {
            assertThat(status(report, id)).as(id).isEqualTo(Status.PASS);
        }
        assertThat(report.checks("placement.folder").get(0).object()).isEqualTo("/DC0/vm");
        // vcsim grants everything to its user
        assertThat(report.checks())
                .filteredOn(c -> c.id().startsWith("privileges."))
                .extracting(Check::id)
                .containsExactlyInAnyOrder(
                        "privileges.vcenter",
                        "privileges.cluster",
                        "privileges.datastore",
                        "privileges.network",
                        "privileges.resource-pool",
                        "privileges.folder");
        assertThat(report.checks())
                .filteredOn(c -> c.id().startsWith("privileges."))
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.PASS));
        // vcsim hosts have no NTP configuration
        assertThat(report.checks("ntp")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.message()).contains("3 of 3 hosts").contains("DC0_C0_H0 (no NTP server)");
            assertThat(c.hint()).contains("NTP");
        });
        assertThat(status(report, "shared-storage")).isEqualTo(Status.PASS);
        assertThat(report.checks("tags.region")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.PASS);
            assertThat(c.message()).isEqualTo("k8s-region=region1");
        });
        assertThat(report.checks("tags.zone"))
                .extracting(Check::object, Check::status)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("/DC0/host/DC0_C0", Status.PASS),
                        org.assertj.core.groups.Tuple.tuple("/DC0/host/DC0_C1", Status.WARN));
        assertThat(report.checks("tags.zone").stream()
                        .filter(c -> c.status() == Status.WARN)
                        .findFirst()
                        .orElseThrow()
                        .hint())
                .contains("cluster-1 → k8s-zone: az1");
        assertThat(report.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void missingPrivilegesAreListedPerObject() throws Exception {
        FakeVsphereClient denying = FakeVsphereClient.over(client);
        Datacenter dc = client.inventory().datacenter("DC0").orElseThrow();
        Moref datastore = dc.datastores().stream()
                .filter(d -> d.name().equals("shared-nfs"))
                .findFirst()
                .orElseThrow()
                .ref();
        denying.denied.put(client.server().rootFolder(), Set.of("Sessions.ValidateSession", "StorageProfile.View"));
        denying.denied.put(datastore, Set.of("Datastore.AllocateSpace"));

        ValidationReport report = VALIDATOR.validate(denying, GOOD);

        assertThat(report.checks("privileges.vcenter")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.message())
                    .contains("lacks 2 of")
                    .contains("Sessions > Validate session (Sessions.ValidateSession)")
                    .contains("Profile-driven storage > Profile-driven storage view (StorageProfile.View)");
            assertThat(c.hint()).contains("root-level and Spectro role").contains("vCenter root");
        });
        assertThat(report.checks("privileges.datastore")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.object()).isEqualTo("/DC0/datastore/shared-nfs");
            assertThat(c.message()).contains("lacks 1 of 6").contains("Datastore.AllocateSpace");
        });
        assertThat(status(report, "privileges.folder")).isEqualTo(Status.PASS);
        // one AuthorizationManager query for every privilege of both tables
        assertThat(denying.privilegeQueries)
                .singleElement()
                .satisfies(ids ->
                        assertThat(ids).containsAll(PrivilegeRequirements.load().privilegeIds()));
    }

    @Test
    void wrongObjectsAndLocalStorageFailWithHints() {
        ValidationReport report = VALIDATOR.validate(
                client, new Placement("DC0", "DC0_C0", "LocalDS_0", "No Such Net", "nope", "/DC0/vm"));
        assertThat(report.checks("placement.network")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.hint()).contains("VM Network");
        });
        assertThat(status(report, "placement.resourcePool")).isEqualTo(Status.FAIL);
        assertThat(status(report, "placement.folder")).isEqualTo(Status.PASS);
        // vcsim mounts LocalDS_0 on every host, but the cluster's hosts also list it: shared-storage passes only if all
        // do
        assertThat(report.checks("shared-storage"))
                .singleElement()
                .satisfies(c -> assertThat(c.object()).isEqualTo("/DC0/datastore/LocalDS_0"));
    }

    @Test
    void datastoreNotOnEveryHostFailsSharedStorage() throws Exception {
        Path only = Files.createTempDirectory("pcg-local");
        vcsim.govc(
                "datastore.create",
                "-type",
                "local",
                "-name",
                "only-h0",
                "-path",
                only.toString(),
                "/DC0/host/DC0_C0/DC0_C0_H0");
        ValidationReport report =
                VALIDATOR.validate(client, new Placement("DC0", "DC0_C0", "only-h0", "VM Network", null, null));
        assertThat(report.checks("shared-storage")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAIL);
            assertThat(c.message())
                    .contains("2 of 3 hosts")
                    .contains("DC0_C0_H1")
                    .contains("DC0_C0_H2");
        });
    }

    @Test
    void validateCommandReturnsTheReportAsJson() throws Exception {
        try (VsphereSessions sessions = new VsphereSessions(VsphereConfig.defaults())) {
            String payload = "{\"server\":\"" + vcsim.server() + "\",\"username\":\"" + Vcsim.USERNAME
                    + "\",\"password\":\"" + Vcsim.PASSWORD + "\",\"thumbprint\":\"" + pin + "\",\"placement\":"
                    + "{\"datacenter\":\"DC0\",\"cluster\":\"DC0_C0\",\"datastore\":\"shared-nfs\",\"network\":\"VM Network\"}}";
            String result = new VsphereValidateHandler(new VcenterValidation(sessions))
                    .handle(new AgentCommand("v1", "vsphere.validate", payload));
            JsonNode json = new ObjectMapper().readTree(result);
            assertThat(json.get("vcenter").asText()).isEqualTo(vcsim.server());
            assertThat(json.get("checks").findValuesAsText("id"))
                    .contains("credentials", "version", "ntp", "shared-storage", "tags.region", "privileges.vcenter");
            assertThat(json.get("checks").get(0).fieldNames())
                    .toIterable()
                    .containsExactly("id", "status", "object", "message", "hint");
            assertThat(result).doesNotContain(Vcsim.PASSWORD);
        }
    }

    private static Status status(ValidationReport report, String id) {
        assertThat(report.checks(id)).as(id).hasSize(1);
        return report.checks(id).get(0).status();
    }
}
