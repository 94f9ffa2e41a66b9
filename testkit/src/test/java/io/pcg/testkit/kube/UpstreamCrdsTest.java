package io.pcg.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UpstreamCrdsTest {

    private static JsonNode named(String name) {
        return UpstreamCrds.definitions().stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow();
    }

    private static CustomResourceDefinition crd(String established, String status) {
        CustomResourceDefinitionBuilder builder = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("x")
                .endMetadata();
        if (established == null) {
            return builder.build();
        }
        return builder.withNewStatus()
                .addNewCondition()
                .withType("NamesAccepted")
                .withStatus("True")
                .withLastTransitionTime("2026-11-28T05:00:09Z")
                .endCondition()
                .addNewCondition()
                .withType("Established")
                .withStatus(status)
                .withLastTransitionTime(established)
                .endCondition()
                .endStatus()
                .build();
    }

    @Test
    void createsAreServedTwoSecondsAfterTheLastKindWasEstablished() {
        assertThat(UpstreamCrds.createsServedFrom(List.of())).isEqualTo(Instant.EPOCH);
        assertThat(UpstreamCrds.createsServedFrom(List.of(crd(null, null), crd("2026-11-28T05:00:01Z", "False"))))
                .isEqualTo(Instant.EPOCH);
        assertThat(UpstreamCrds.createsServedFrom(List.of(
                        crd("2026-11-28T05:00:03Z", "True"),
                        crd("2026-11-28T05:00:04Z", "True"),
                        crd("2026-11-28T05:00:02Z", "True"),
                        crd(null, null))))
                .isEqualTo(Instant.parse("2026-11-28T05:00:06Z"));
    }

    @Test
    void indexListsEveryYamlFileOfTheCopy() throws IOException {
        Path copy = Path.of("src/main/resources/crds");
        try (Stream<Path> files = Files.walk(copy)) {
            List<String> yaml = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> copy.relativize(p).toString())
                    .sorted()
                    .toList();
            assertThat(UpstreamCrds.index()).containsExactlyElementsOf(yaml);
        }
    }

    @Test
    void everyUpstreamKindIsThere() {
        assertThat(UpstreamCrds.definitions())
                .extracting(d -> d.path("spec").path("names").path("kind").asText())
                .contains(
                        "Cluster",
                        "Machine",
                        "KubeadmControlPlane",
                        "KubeadmConfig",
                        "VSphereCluster",
                        "VSphereMachine",
                        "VSphereMachineTemplate",
                        "IPAddressClaim",
                        "IPAddress",
                        "InClusterIPPool",
                        "MachineHealthCheck",
                        "GlobalInClusterIPPool")
                .doesNotHaveDuplicates();
    }

    @Test
    void labelsAreTheOnesClusterctlInitSets() {
        JsonNode labels = UpstreamCrds.prepared(named("vspheremachines.infrastructure.cluster.x-k8s.io"), 34)
                .path("metadata")
                .path("labels");
        assertThat(labels.path("clusterctl.cluster.x-k8s.io").asText("missing")).isEmpty();
        assertThat(labels.path("cluster.x-k8s.io/provider").asText()).isEqualTo("infrastructure-vsphere");
        assertThat(labels.path("cluster.x-k8s.io/v1beta2").asText()).isEqualTo("v1beta2");

        assertThat(UpstreamCrds.provider(named("kubeadmcontrolplanes.controlplane.cluster.x-k8s.io")))
                .isEqualTo("control-plane-kubeadm");
        assertThat(UpstreamCrds.provider(named("kubeadmconfigs.bootstrap.cluster.x-k8s.io")))
                .isEqualTo("bootstrap-kubeadm");
        assertThat(UpstreamCrds.provider(named("inclusterippools.ipam.cluster.x-k8s.io")))
                .isEqualTo("ipam-in-cluster");
        assertThat(UpstreamCrds.provider(named("ipaddressclaims.ipam.cluster.x-k8s.io")))
                .isEqualTo("cluster-api");
    }

    @Test
    void aCurrentServerGetsEveryServedVersionUnchanged() {
        JsonNode upstream = named("kubeadmconfigs.bootstrap.cluster.x-k8s.io");
        JsonNode prepared = UpstreamCrds.prepared(upstream, 34);
        assertThat(prepared.path("spec")).isEqualTo(upstream.path("spec"));
        assertThat(prepared.path("spec").path("versions")).hasSizeGreaterThan(1);
    }

    @Test
    void anOldServerGetsTheStorageVersionOnlyAndNoEmptyStringDefaults() {
        JsonNode upstream = named("kubeadmconfigs.bootstrap.cluster.x-k8s.io");
        assertThat(upstream.toString()).contains("\"default\":\"\"");

        JsonNode prepared = UpstreamCrds.prepared(upstream, 20);
        assertThat(prepared.path("spec").path("versions"))
                .singleElement()
                .satisfies(version ->
                        assertThat(version.path("storage").asBoolean()).isTrue());
        assertThat(prepared.toString()).doesNotContain("\"default\":\"\"");
        assertThat(upstream.toString()).contains("\"default\":\"\"");
    }
}
