package io.pcg.agent.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pcg.agent.cluster.ConfigureRequest.PlacementRequest;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The refusal table of {@code cluster.create}: each row one mistake, the message naming the field and the fix. */
class TenantRefusalsTest {

    private static final TenantRefusals.Context CONTEXT = new TenantRefusals.Context(
            "pcg-gateway", true, Set.of("team-b"), Set.of("default", "lab"), Set.of("tenant-pool"));

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The valid request with some fields changed: name, value, name, value, ... */
    private static TenantClusterRequest with(Object... fieldsAndValues) {
        ObjectNode request = JSON.valueToTree(TenantRequests.valid());
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            request.set((String) fieldsAndValues[i], JSON.valueToTree(fieldsAndValues[i + 1]));
        }
        return JSON.convertValue(request, TenantClusterRequest.class);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("no name", with("name", null), "name is empty"),
                arguments("upper-case name", with("name", "Team-A"), "name is not valid"),
                arguments("name too long for the namespace", with("name", "a".repeat(53)), "at most 52"),
                arguments("the gateway cluster's name", with("name", "pcg-gateway"), "the gateway cluster's"),
                arguments("an existing cluster's name", with("name", "team-b"), "exists already"),
                arguments("a malformed version", with("kubernetesVersion", "1.34"), "kubernetesVersion"),
                arguments(
                        "2 control-plane nodes", with("controlPlaneCount", 2), "controlPlaneCount 2 is not supported"),
                arguments("no control-plane count", with("controlPlaneCount", null), "controlPlaneCount null"),
                arguments(
                        "no workers and no worker capability",
                        with("workerPools", List.of()),
                        "nothing could run workloads"),
                arguments(
                        "an empty pool",
                        with("workerPools", List.of(new TenantClusterRequest.WorkerPool("w", 0, null, null, null))),
                        "count must be at least 1"),
                arguments(
                        "two pools of one name",
                        with(
                                "workerPools",
                                List.of(
                                        new TenantClusterRequest.WorkerPool("w", 1, null, null, null),
                                        new TenantClusterRequest.WorkerPool("w", 1, null, null, null))),
                        "used by another pool"),
                arguments(
                        "a pool name with a dot",
                        with("workerPools", List.of(new TenantClusterRequest.WorkerPool("w.1", 1, null, null, null))),
                        "workerPools[0].name is not valid"),
                arguments(
                        "workers below the minimum",
                        with("workerPools", List.of(new TenantClusterRequest.WorkerPool("w", 1, 1, 2048, 10))),
                        "workerPools[0].cpus 1 is below"),
                arguments("no placement domain", with("placementDomains", List.of()), "placementDomains is empty"),
                arguments(
                        "a domain without datastore",
                        with(
                                "placementDomains",
                                List.of(new PlacementRequest("/dc1", "/dc1/host/c1", null, "VM Network", null, null))),
                        "placementDomains[0] needs"),
                arguments("no node template", with("nodeTemplate", " "), "nodeTemplate is empty"),
                arguments("no IP allocation", with("ipAllocation", null), "ipAllocation is missing"),
                arguments(
                        "a pool of another gateway",
                        with(
                                "ipAllocation",
                                new TenantClusterRequest.IpAllocation("static", "elsewhere", null, null, null)),
                        "is not a pool of this gateway"),
                arguments(
                        "static IPs with 3 control-plane nodes",
                        with("controlPlaneCount", 3),
                        "static IPs take a single control-plane node"),
                arguments(
                        "DHCP without VIP",
                        with(
                                "ipAllocation",
                                new TenantClusterRequest.IpAllocation("dhcp", null, null, "10.20.0.0/22", null)),
                        "controlPlaneVip is empty"),
                arguments(
                        "an unknown allocation",
                        with("ipAllocation", new TenantClusterRequest.IpAllocation("bgp", null, null, null, null)),
                        "ipAllocation.type must be"),
                arguments(
                        "a private key",
                        with("sshKeys", List.of("-----BEGIN OPENSSH PRIVATE KEY----- abc")),
                        "sshKeys[0] is a private key"),
                arguments("an unknown account", with("cloudAccount", "nobody"), "cloudAccount nobody does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refuses(String row, TenantClusterRequest request, String expected) {
        assertThat(TenantRefusals.of(request, CONTEXT))
                .anySatisfy(problem -> assertThat(problem).contains(expected));
    }

    @Test
    void theValidRequestAndDhcpWithFiveControlPlaneNodesAreAccepted() {
        assertThat(TenantRefusals.of(TenantRequests.valid(), CONTEXT)).isEmpty();
        assertThat(TenantRefusals.of(
                        with(
                                "controlPlaneCount",
                                5,
                                "workerPools",
                                List.of(),
                                "allowWorkerCapability",
                                true,
                                "ipAllocation",
                                new TenantClusterRequest.IpAllocation(
                                        "dhcp", null, "10.20.0.5", "10.20.0.0/22", "10.20.0.100-10.20.0.200")),
                        CONTEXT))
                .isEmpty();
    }

    @Test
    void aGatewayThatIsNotRunningRefusesAndEveryProblemIsReportedAtOnce() {
        TenantRefusals.Context stopped = new TenantRefusals.Context("pcg-gateway", false, Set.of(), Set.of(), Set.of());
        List<String> problems = TenantRefusals.of(with("name", "Bad", "nodeTemplate", null), stopped);
        assertThat(problems).hasSizeGreaterThanOrEqualTo(4);
        assertThat(problems.get(0)).contains("gateway cluster is not running");
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("no default account"));
    }

    @Test
    void aPastedPrivateKeyIsNeverQuoted() {
        String secret = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA";
        assertThat(String.join("\n", TenantRefusals.of(with("sshKeys", List.of(secret)), CONTEXT)))
                .doesNotContain("b3BlbnNzaC1rZXktdjEAAAAA");
    }
}
