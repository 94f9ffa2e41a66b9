package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.kube.CrdSchemaValidator;
import io.pcg.agent.kube.Fields;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import io.pcg.testkit.kube.UpstreamCrds;
import io.pcg.testkit.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KubeApiServerExtension.class)
class IpamAllocationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeApiServer server;
    private IpamFixture ipam;

    @BeforeEach
    void start(KubeApiServer server, TestNamespace namespace) {
        this.server = server;
        ipam = IpamFixture.started(server, namespace);
    }

    @AfterEach
    void stop() {
        ipam.close();
    }

    static PoolSpec range(String name, String start, String end) {
        return new PoolSpec(name, "range", start, end, null, 24, "10.0.0.1", List.of("10.0.0.53"), false, List.of());
    }

    @Test
    void claimIsAnsweredWithAnAddressOfItsPoolAndTheObjectsMatchTheSchemas() throws Exception {
        ipam.pools().create(range("nodes", "10.0.0.0", "10.0.0.20"));
        ipam.createClaim("c1-node-0", "nodes", "c1");

        assertThat(ipam.awaitAddress("c1-node-0")).isEqualTo("10.0.0.2");
        GenericKubernetesResource address = ipam.addresses().get(0);
        assertThat(Fields.value(address, "spec"))
                .isEqualTo(Map.of(
                        "address",
                        "10.0.0.2",
                        "prefix",
                        24,
                        "gateway",
                        "10.0.0.1",
                        "claimRef",
                        Map.of("name", "c1-node-0"),
                        "poolRef",
                        Map.of("apiGroup", "ipam.cluster.x-k8s.io", "kind", "InClusterIPPool", "name", "nodes")));
        // Answering costs no write on the claim but its status: the finalizer is on the address, set at creation.
        assertThat(ipam.claim("c1-node-0").getMetadata().getFinalizers()).doesNotContain(IpamApi.FINALIZER);
        assertThat(address.getMetadata().getFinalizers()).containsExactly(IpamApi.FINALIZER);
        assertThat(IpamFixture.ownerUid(address))
                .isEqualTo(ipam.claim("c1-node-0").getMetadata().getUid());
        assertThat(ipam.reason("c1-node-0")).isEqualTo("Allocated");

        var schemas = CrdSchemaValidator.fromDefinitions(UpstreamCrds.definitions());
        assertThat(schemas.validate(address)).isEmpty();
        assertThat(schemas.validate(ipam.claim("c1-node-0"))).isEmpty();
        assertThat(schemas.validate(ipam.client()
                        .genericKubernetesResources(IpamApi.POOLS)
                        .inNamespace(ipam.namespace())
                        .withName("nodes")
                        .get()))
                .isEmpty();
    }

    @Test
    void claimsGoToThePoolTheyNameAmongSeveral() throws Exception {
        ipam.pools().create(range("a", "10.0.0.10", "10.0.0.19"));
        ipam.pools().create(range("b", "10.0.0.20", "10.0.0.29"));
        ipam.pools().create(range("c", "10.0.0.30", "10.0.0.39"));
        ipam.createClaim("x-b", "b", "x");
        ipam.createClaim("x-c", "c", "x");
        ipam.createClaim("x-a", "a", "x");
        assertThat(ipam.awaitAddress("x-a")).isEqualTo("10.0.0.10");
        assertThat(ipam.awaitAddress("x-b")).isEqualTo("10.0.0.20");
        assertThat(ipam.awaitAddress("x-c")).isEqualTo("10.0.0.30");
    }

    @Test
    void overlappingPoolIsRejected() throws Exception {
        ipam.pools().create(range("a", "10.0.0.10", "10.0.0.50"));
        assertThatThrownBy(() -> ipam.pools().create(range("b", "10.0.0.40", "10.0.0.60")))
                .isInstanceOf(PoolValidationException.class)
                .hasMessageContaining("overlap pool 'a' (10.0.0.10-10.0.0.50)");
        assertThat(ipam.pools().list()).extracting(usage -> usage.pool().name()).containsExactly("a");
    }

    @Test
    void exhaustionIsReportedAndRecoversByItselfWhenAnAddressIsReleased() throws Exception {
        ipam.pools().create(range("small", "10.0.0.2", "10.0.0.3"));
        ipam.createClaim("n0", "small", "c1");
        ipam.createClaim("n1", "small", "c1");
        ipam.awaitAddress("n0");
        ipam.awaitAddress("n1");
        ipam.createClaim("n2", "small", "c1");
        ipam.awaitReason("n2", "PoolExhausted");
        assertThat(ipam.message("n2")).contains("IP pool small has no free address (2 of 2 in use)");
        ipam.awaitEvent("n2", "PoolExhausted");

        String freed = ipam.address("n0");
        ipam.deleteClaim("n0");
        ipam.awaitGone("n0");
        assertThat(ipam.awaitAddress("n2")).isEqualTo(freed);
    }

    @Test
    void exhaustionRecoversWhenThePoolIsEnlarged() throws Exception {
        ipam.pools().create(range("grow", "10.0.0.2", "10.0.0.2"));
        ipam.createClaim("g0", "grow", "c1");
        ipam.awaitAddress("g0");
        ipam.createClaim("g1", "grow", "c1");
        ipam.awaitReason("g1", "PoolExhausted");
        ipam.pools().update(range("grow", "10.0.0.2", "10.0.0.3"));
        assertThat(ipam.awaitAddress("g1")).isEqualTo("10.0.0.3");
    }

    @Test
    void restrictedPoolRefusesASecondClusterNamingTheHolder() throws Exception {
        ipam.pools()
                .create(new PoolSpec(
                        "solo", "range", "10.0.0.2", "10.0.0.9", null, 24, "10.0.0.1", List.of(), true, List.of()));
        ipam.createClaim("first-0", "solo", "first");
        ipam.awaitAddress("first-0");
        ipam.createClaim("second-0", "solo", "second");
        ipam.awaitReason("second-0", "PoolReservedForAnotherCluster");
        assertThat(ipam.message("second-0")).contains("held by cluster first");
        CapacityAnswer answer = ipam.pools().capacity("solo", "second", 1);
        assertThat(answer.sufficient()).isFalse();
        assertThat(answer.reason()).contains("held by cluster first");
        assertThat(ipam.pools().capacity("solo", "first", 3).sufficient()).isTrue();

        // Once the holder is gone, the pool serves the next cluster without anyone touching the waiting claim.
        ipam.deleteClaim("first-0");
        assertThat(ipam.awaitAddress("second-0")).isNotNull();
        assertThat(PoolManifest.reservedFor(ipam.client()
                        .genericKubernetesResources(IpamApi.POOLS)
                        .inNamespace(ipam.namespace())
                        .withName("solo")
                        .get()))
                .isEqualTo("second");
    }

    /**
     * The grace period is measured on the agent's clock, injected here, so no step depends on how fast this machine
     * is: the released address stays out for the whole period, and an agent that starts after it has passed frees it.
     */
    @Test
    void releaseHonoursTheReuseGracePeriod() throws Exception {
        ipam.stopController();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        IpamFixture graceful = new IpamFixture(
                server, IpamConfig.defaults(ipam.namespace()).withReuseGracePeriod(Duration.ofHours(1)), clock);
        try {
            graceful.startController();
            graceful.pools().create(range("g", "10.0.0.2", "10.0.0.2"));
            graceful.createClaim("a", "g", "c1");
            graceful.awaitAddress("a");
            graceful.deleteClaim("a");
            graceful.awaitGone("a");
            await("a's address is marked released, not deleted")
                    .atMost(IpamFixture.WAIT)
                    .until(() -> graceful.addresses().stream()
                            .anyMatch(address -> Fields.annotation(address, IpamApi.RELEASED_AT_ANNOTATION) != null));
            graceful.createClaim("b", "g", "c1");
            graceful.awaitReason("b", "PoolExhausted");
            // A restart within the period (the released address is found again) does not shorten it.
            graceful.crashAndRestartController();
            graceful.createClaim("b2", "g", "c1");
            graceful.awaitReason("b2", "PoolExhausted");
            assertThat(graceful.reason("b")).isEqualTo("PoolExhausted");
            graceful.deleteClaim("b2");
            graceful.awaitGone("b2");

            clock.advance(Duration.ofHours(1));
            graceful.crashAndRestartController();
            assertThat(graceful.awaitAddress("b")).isEqualTo("10.0.0.2");
        } finally {
            graceful.close();
        }
    }

    /**
     * The claim has no finalizer of ours, so it can go while no agent watches: its address (which the garbage
     * collector may have deleted meanwhile, held back by the address's finalizer) is found and released at start.
     */
    @Test
    void claimDeletedWhileTheAgentIsDownIsReleasedAtStart() throws Exception {
        ipam.pools().create(range("once", "10.0.0.2", "10.0.0.2"));
        ipam.createClaim("gone", "once", "c1");
        ipam.awaitAddress("gone");
        ipam.stopController();

        ipam.deleteClaim("gone");
        ipam.awaitGone("gone");
        // What the garbage collector of a real cluster does once the owner is gone.
        ipam.client()
                .genericKubernetesResources(IpamApi.ADDRESSES)
                .inNamespace(ipam.namespace())
                .withName("ip-10-0-0-2")
                .delete();
        assertThat(ipam.addresses())
                .singleElement()
                .satisfies(address ->
                        assertThat(address.getMetadata().getDeletionTimestamp()).isNotNull());
        ipam.createClaim("next", "once", "c1");

        ipam.startController();
        assertThat(ipam.awaitAddress("next")).isEqualTo("10.0.0.2");
        assertThat(IpamFixture.ownerUid(ipam.addressObject("next")))
                .isEqualTo(ipam.claim("next").getMetadata().getUid());
        assertThat(ipam.addresses()).hasSize(1);
    }

    /**
     * CAPV's claim names are deterministic: a claim deleted and created again under the same name is a new claim and
     * gets an address created for it, never the earlier claim's, whether the agent saw the deletion or not.
     */
    @Test
    void claimCreatedAgainUnderTheSameNameGetsAFreshAnswer() throws Exception {
        ipam.pools().create(range("again", "10.0.0.2", "10.0.0.3"));
        ipam.createClaim("vm-0-0", "again", "c1");
        ipam.awaitAddress("vm-0-0");

        ipam.deleteClaim("vm-0-0");
        ipam.createClaim("vm-0-0", "again", "c1");
        assertFreshAnswer("vm-0-0");

        ipam.stopController();
        ipam.deleteClaim("vm-0-0");
        ipam.createClaim("vm-0-0", "again", "c1");
        ipam.startController();
        assertFreshAnswer("vm-0-0");
    }

    private void assertFreshAnswer(String claim) {
        String uid = ipam.claim(claim).getMetadata().getUid();
        await("claim " + claim + " answered with an address created for it")
                .ignoreExceptions()
                .atMost(IpamFixture.WAIT)
                .until(() -> {
                    GenericKubernetesResource current = ipam.claim(claim);
                    return current != null
                            && Fields.text(current, "status", "addressRef", "name") != null
                            && uid.equals(IpamFixture.ownerUid(ipam.addressObject(claim)));
                });
        // The earlier claim's address is released, not left beside the new one.
        await("only the new claim's address is left")
                .atMost(IpamFixture.WAIT)
                .until(() -> ipam.addresses().size() == 1);
    }

    @Test
    void pausedClaimsWaitUntilUnpaused() throws Exception {
        ipam.pools().create(range("p", "10.0.0.2", "10.0.0.9"));
        ipam.createClaim("paused", "p", "c1", Map.of(IpamApi.PAUSED_ANNOTATION, ""));
        ipam.createClaim("marker", "p", "c1");
        ipam.awaitAddress("marker");
        assertThat(ipam.claim("paused").getAdditionalProperties().get("status")).isNull();
        ipam.client()
                .genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(ipam.namespace())
                .withName("paused")
                .edit(claim -> {
                    claim.getMetadata().getAnnotations().remove(IpamApi.PAUSED_ANNOTATION);
                    return claim;
                });
        assertThat(ipam.awaitAddress("paused")).isEqualTo("10.0.0.3");
    }

    @Test
    void claimsForMissingOrForeignPoolsAreHandledCleanly() throws Exception {
        ipam.createClaim("lost", "nope", "c1");
        ipam.awaitReason("lost", "PoolNotFound");
        assertThat(ipam.message("lost")).contains("IP pool 'nope' does not exist");
        // Creating the pool serves the waiting claim.
        ipam.pools().create(range("nope", "10.0.0.2", "10.0.0.9"));
        ipam.awaitAddress("lost");

        GenericKubernetesResource foreign = PoolManifest.render(
                PoolValidator.validate(range("foreign", "10.0.0.100", "10.0.0.110"), List.of()),
                ipam.namespace(),
                null);
        foreign.getMetadata().getLabels().clear();
        ipam.client()
                .genericKubernetesResources(IpamApi.POOLS)
                .inNamespace(ipam.namespace())
                .resource(foreign)
                .create();
        ipam.createClaim("theirs", "foreign", "c1");
        ipam.createClaim("ours", "nope", "c1");
        ipam.awaitAddress("ours");
        assertThat(ipam.claim("theirs").getAdditionalProperties().get("status")).isNull();
        assertThat(ipam.claim("theirs").getMetadata().getFinalizers()).isEmpty();
    }

    @Test
    void controlPlaneVipFromThePoolOrExplicit() throws Exception {
        ipam.pools().create(range("cp", "10.0.0.10", "10.0.0.20"));
        ControlPlaneVips vips =
                new ControlPlaneVips(ipam.cluster(), IpamConfig.defaults(ipam.namespace()), ipam.pools());

        vips.reserve("pooled", "cp", null);
        await("pooled VIP allocated")
                .atMost(IpamFixture.WAIT)
                .until(() -> vips.address("pooled").isPresent());
        assertThat(vips.address("pooled").get().toString()).isEqualTo("10.0.0.10");

        ControlPlaneVips.Vip inside = vips.reserve("explicit", "cp", "10.0.0.15");
        assertThat(inside.claimName()).isEqualTo("explicit-control-plane-vip");
        await("explicit VIP allocated")
                .atMost(IpamFixture.WAIT)
                .until(() -> vips.address("explicit").isPresent());
        assertThat(vips.address("explicit").get().toString()).isEqualTo("10.0.0.15");

        // Nodes never get either VIP.
        for (int i = 0; i < 9; i++) {
            ipam.createClaim("node-" + i, "cp", "pooled");
        }
        for (int i = 0; i < 9; i++) {
            assertThat(ipam.awaitAddress("node-" + i)).isNotIn("10.0.0.10", "10.0.0.15");
        }

        assertThat(vips.reserve("outside", "cp", "10.0.0.200").address()).isEqualTo("10.0.0.200");
        assertThatThrownBy(() -> vips.reserve("bad", "cp", "10.0.1.5"))
                .hasMessageContaining("node network 10.0.0.0/24");
        assertThatThrownBy(() -> vips.reserve("bad", "cp", "10.0.0.1")).hasMessageContaining("not its gateway");

        vips.reserve("taken", "cp", "10.0.0.15");
        ipam.awaitReason(ControlPlaneVips.claimName("taken"), "RequestedAddressUnavailable");
        assertThat(ipam.message(ControlPlaneVips.claimName("taken")))
                .contains("held by claim explicit-control-plane-vip");
    }

    @Test
    void consoleCommandsManagePoolsAndRefuseToBreakAllocations() throws Exception {
        PoolCommands.Create create = new PoolCommands.Create(ipam.pools());
        PoolCommands.Update update = new PoolCommands.Update(ipam.pools());
        PoolCommands.Delete delete = new PoolCommands.Delete(ipam.pools());
        PoolCommands.ListPools list = new PoolCommands.ListPools(ipam.pools());
        PoolCommands.Capacity capacity = new PoolCommands.Capacity(ipam.pools());

        JsonNode created = JSON.readTree(create.handle(command(create.type(), """
                {"name":"lab","networkType":"subnet","subnet":"10.0.0.0/28","gateway":"10.0.0.1",
                 "nameServers":["8.8.8.8"],"restrictToSingleCluster":false}""")));
        assertThat(created.path("total").asLong()).isEqualTo(13);

        for (String claim : List.of("c1-0", "c1-1", "c2-0")) {
            ipam.createClaim(claim, "lab", claim.substring(0, 2));
            ipam.awaitAddress(claim);
        }

        JsonNode listed = JSON.readTree(list.handle(command(list.type(), "{}")))
                .path("pools")
                .get(0);
        assertThat(listed.path("used").asLong()).isEqualTo(3);
        assertThat(listed.path("free").asLong()).isEqualTo(10);
        assertThat(listed.path("clusters").path("c1")).hasSize(2);
        assertThat(listed.path("clusters").path("c2").get(0).asText()).isEqualTo("10.0.0.4");
        assertThat(listed.path("pool").path("nameServers").get(0).asText()).isEqualTo("8.8.8.8");

        JsonNode enough = JSON.readTree(
                capacity.handle(command(capacity.type(), "{\"pool\":\"lab\",\"cluster\":\"c3\",\"count\":10}")));
        assertThat(enough.path("sufficient").asBoolean()).isTrue();
        JsonNode tooMany = JSON.readTree(
                capacity.handle(command(capacity.type(), "{\"pool\":\"lab\",\"cluster\":\"c3\",\"count\":11}")));
        assertThat(tooMany.path("sufficient").asBoolean()).isFalse();
        assertThat(tooMany.path("reason").asText()).contains("has 10 free address(es) but 11 are needed");

        assertThatThrownBy(() -> delete.handle(command(delete.type(), "{\"name\":\"lab\"}")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(IpamException.IN_USE);
                    assertThat(e.getMessage())
                            .contains("cluster c1 holds 10.0.0.2, 10.0.0.3")
                            .contains("cluster c2 holds 10.0.0.4");
                });
        assertThatThrownBy(() -> update.handle(command(update.type(), """
                {"name":"lab","networkType":"range","start":"10.0.0.2","end":"10.0.0.3","prefix":28,"gateway":"10.0.0.1"}""")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(IpamException.IN_USE);
                    assertThat(e.getMessage()).contains("cannot shrink below its allocations: 10.0.0.4 (cluster c2)");
                });
        assertThatThrownBy(() -> create.handle(command(create.type(), "{\"name\":\"x\",\"gatway\":\"10.0.0.1\"}")))
                .isInstanceOfSatisfying(
                        CommandFailedException.class,
                        e -> assertThat(e.getMessage()).contains("unknown field 'gatway'"));
        assertThatThrownBy(() -> create.handle(command(create.type(), """
                {"name":"overlap","start":"10.0.0.5","end":"10.0.0.9","prefix":24,"gateway":"10.0.0.1"}""")))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("IPAM_POOL_INVALID");
                    assertThat(e.getMessage()).contains("overlap pool 'lab'");
                });

        JsonNode grown = JSON.readTree(update.handle(command(update.type(), """
                {"name":"lab","networkType":"range","start":"10.0.0.2","end":"10.0.0.6","prefix":28,"gateway":"10.0.0.1"}""")));
        assertThat(grown.path("total").asLong()).isEqualTo(5);

        for (String claim : List.of("c1-0", "c1-1", "c2-0")) {
            ipam.deleteClaim(claim);
            ipam.awaitGone(claim);
        }
        assertThat(JSON.readTree(delete.handle(command(delete.type(), "{\"name\":\"lab\"}")))
                        .path("deleted")
                        .asText())
                .isEqualTo("lab");
        assertThatThrownBy(() -> delete.handle(command(delete.type(), "{\"name\":\"lab\"}")))
                .isInstanceOfSatisfying(
                        CommandFailedException.class, e -> assertThat(e.code()).isEqualTo(IpamException.NOT_FOUND));
    }

    private static AgentCommand command(String type, String payload) {
        return new AgentCommand("id-" + type, type, payload);
    }
}
