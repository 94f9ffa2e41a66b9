package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pcg.agent.kube.CrdSchemaValidator;
import io.pcg.common.net.Ip;
import io.pcg.testkit.kube.UpstreamCrds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest shape the allocator renders passes the upstream CRD schemas in strict mode. */
class ManifestSchemaTest {

    private static CrdSchemaValidator schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = CrdSchemaValidator.fromDefinitions(UpstreamCrds.definitions());
    }

    static Stream<PoolSpec> pools() {
        return Stream.of(
                new PoolSpec(
                        "range-v4",
                        "range",
                        "10.10.183.1",
                        "10.10.183.100",
                        null,
                        24,
                        "10.10.183.254",
                        List.of("8.8.8.8", "1.1.1.1"),
                        false,
                        List.of()),
                new PoolSpec(
                        "subnet-v4",
                        "subnet",
                        null,
                        null,
                        "10.10.183.64/26",
                        18,
                        "10.10.128.1",
                        List.of(),
                        true,
                        List.of("10.10.183.70")),
                new PoolSpec(
                        "range-v6",
                        null,
                        "fd00::10",
                        "fd00::ff",
                        null,
                        64,
                        "fd00::1",
                        List.of("fd00::53"),
                        false,
                        List.of()));
    }

    @ParameterizedTest
    @MethodSource("pools")
    void renderedPoolsAreValidAndRoundTrip(PoolSpec spec) throws Exception {
        Pool pool = PoolValidator.validate(spec, List.of());
        GenericKubernetesResource rendered =
                PoolManifest.render(pool, "pcg-system", spec.restricted() ? "cluster-a" : null);
        assertThat(schemas.validate(rendered)).isEmpty();
        assertThat(PoolManifest.parse(rendered)).isEqualTo(pool);
        assertThat(PoolManifest.reservedFor(rendered)).isEqualTo(spec.restricted() ? "cluster-a" : null);
    }

    @ParameterizedTest
    @MethodSource("pools")
    void renderedAddressesAndClaimStatusAreValid(PoolSpec spec) throws Exception {
        Pool pool = PoolValidator.validate(spec, List.of());
        GenericKubernetesResource claim = claim();
        Ip address = pool.firstFree(value -> false).orElseThrow();
        GenericKubernetesResource rendered = AddressManifest.render(pool, address, claim, "cluster-a");
        assertThat(schemas.validate(rendered)).isEmpty();
        assertThat(AddressManifest.holding(rendered).address()).isEqualTo(address);

        for (ClaimCondition condition : List.of(
                ClaimCondition.allocated("ip-x", address, pool),
                ClaimCondition.failed(ClaimCondition.POOL_EXHAUSTED, "IP pool p has no free address"))) {
            GenericKubernetesResource withStatus = claim();
            withStatus.setAdditionalProperty("status", condition.status(claim, Instant.parse("2024-01-02T03:04:05Z")));
            assertThat(schemas.validate(withStatus)).isEmpty();
        }
    }

    @Test
    void strictModeCatchesATypoTheApiServerWouldDrop() throws Exception {
        Pool pool = PoolValidator.validate(pools().findFirst().orElseThrow(), List.of());
        GenericKubernetesResource rendered = PoolManifest.render(pool, "pcg-system", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
                (Map<String, Object>) rendered.getAdditionalProperties().get("spec");
        spec.put("gatway", "10.0.0.1");
        spec.remove("prefix");
        assertThat(schemas.validate(rendered))
                .anySatisfy(problem -> assertThat(problem).contains("gatway"))
                .anySatisfy(problem -> assertThat(problem).contains("prefix"));
    }

    static GenericKubernetesResource claim() {
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion("ipam.cluster.x-k8s.io/v1beta2");
        claim.setKind("IPAddressClaim");
        claim.setMetadata(new ObjectMetaBuilder()
                .withName("node-0")
                .withNamespace("pcg-system")
                .withUid("u-1")
                .withGeneration(1L)
                .build());
        claim.setAdditionalProperty(
                "spec",
                Map.of(
                        "clusterName",
                        "cluster-a",
                        "poolRef",
                        Map.of("apiGroup", IpamApi.GROUP, "kind", IpamApi.POOL_KIND, "name", "p")));
        return claim;
    }
}
