package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.net.Ip;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.UpstreamCrds;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The IPAM provider while the API server fails under it: a restart of the whole control plane (kube-apiserver and
 * etcd, same data and ports) breaks every watch and fails the pool commands sent meanwhile with a code and a hint,
 * and a concurrent writer makes the agent's create fail with 409. Either way the provider carries on by itself, a
 * command sent again succeeds, and the stored state ends correct: one address per claim, none twice.
 * The server is this class's own, since restarting the shared one would disturb the other tests.
 */
class IpamApiServerFaultsIT {

    private static final String POOL = "faults";
    private static final PoolSpec RANGE =
            new PoolSpec(POOL, "range", "10.0.0.10", "10.0.0.20", null, 24, "10.0.0.1", List.of(), false, List.of());

    private static KubeApiServer server;
    private String namespace;

    @BeforeAll
    static void startServer() {
        server = KubeApiServer.start();
        UpstreamCrds.install(server.client());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void namespace(TestInfo test) {
        namespace = test.getTestMethod()
                .orElseThrow()
                .getName()
                .toLowerCase(Locale.ROOT)
                .substring(0, 20);
        server.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .build())
                .create();
    }

    @Test
    void claimsAreServedAndReleasedAfterTheApiServerRestarts() throws Exception {
        Interleave requests = new Interleave();
        AtomicInteger watchesOpened = new AtomicInteger();
        requests.observe(
                request -> request.uri().getQuery() != null
                        && request.uri().getQuery().contains("watch=true"),
                watchesOpened::incrementAndGet);
        try (ManagementCluster observed = new ManagementCluster(
                        KubeConfig.of(server.kubeconfig()), http -> http.addOrReplaceInterceptor("observe", requests));
                IpamFixture ipam = new IpamFixture(server, IpamConfig.defaults(namespace), Clock.systemUTC());
                IpamController controller =
                        new IpamController(observed, IpamConfig.defaults(namespace), Clock.systemUTC())) {
            controller.start();
            ipam.pools().create(RANGE);
            ipam.createClaim("before", POOL, "c1");
            String before = ipam.awaitAddress("before");

            server.stop();
            int watchesBeforeOutage = watchesOpened.get();
            PoolCommands.Create createPool = new PoolCommands.Create(ipam.pools());
            AgentCommand createLater = new AgentCommand("create-later", createPool.type(), """
                    {"name":"later","networkType":"range","start":"10.0.1.10","end":"10.0.1.20","prefix":24,
                     "gateway":"10.0.1.1"}""");
            CommandFailedException unavailable =
                    catchThrowableOfType(CommandFailedException.class, () -> createPool.handle(createLater));
            assertThat(unavailable)
                    .as("a pool created while the server is down fails the command")
                    .isNotNull();
            assertThat(unavailable.code()).isEqualTo("IPAM_API_UNAVAILABLE");
            assertThat(unavailable.hint()).contains("management cluster is running and reachable");
            // Down until the provider has tried to watch again and been refused, so the restart is one it must recover
            // from.
            await("the provider tries to watch again while the server is down")
                    .atMost(IpamFixture.WAIT)
                    .until(() -> watchesOpened.get() > watchesBeforeOutage);
            server.restart();

            assertThat(createPool.handle(createLater))
                    .as("the retry once the server is back")
                    .contains("\"total\":11");
            ipam.createClaim("after", POOL, "c1");
            String after = ipam.awaitAddress("after");
            ipam.deleteClaim("before");
            ipam.awaitGone("before");

            assertThat(after).isNotEqualTo(before);
            await("the released address is deleted")
                    .atMost(IpamFixture.WAIT)
                    .until(() -> ipam.addresses().size() == 1);
            assertThat(Fields.text(ipam.addresses().get(0), "spec", "claimRef", "name"))
                    .isEqualTo("after");
        }
    }

    @Test
    void anAddressTakenByAConcurrentWriterIsAConflictTheProviderStepsPast() throws Exception {
        Interleave interleave = new Interleave();
        try (ManagementCluster intercepted = new ManagementCluster(
                        KubeConfig.of(server.kubeconfig()),
                        http -> http.addOrReplaceInterceptor("interleave", interleave));
                IpamFixture ipam = new IpamFixture(server, IpamConfig.defaults(namespace), Clock.systemUTC());
                IpamController controller =
                        new IpamController(intercepted, IpamConfig.defaults(namespace), Clock.systemUTC())) {
            ipam.pools().create(RANGE);
            Pool pool = PoolManifest.parse(server.client()
                    .genericKubernetesResources(IpamApi.POOLS)
                    .inNamespace(namespace)
                    .withName(POOL)
                    .get());
            // Another writer (a second provider, a hand-made object) takes the first address right before the agent's
            // create.
            interleave.once(
                    request -> "POST".equals(request.method())
                            && request.uri().getPath().endsWith("/ipaddresses"),
                    () -> server.client()
                            .genericKubernetesResources(IpamApi.ADDRESSES)
                            .inNamespace(namespace)
                            .resource(AddressManifest.render(pool, Ip.parse("10.0.0.10"), foreignClaim(), "c9"))
                            .create());
            controller.start();

            ipam.createClaim("mine", POOL, "c1");
            String mine = ipam.awaitAddress("mine");

            assertThat(interleave.happened())
                    .as("the concurrent write came first")
                    .isTrue();
            assertThat(mine).isEqualTo("10.0.0.11");
            assertThat(ipam.addresses())
                    .extracting(address -> Fields.text(address, "spec", "claimRef", "name"))
                    .as("the foreign address is left alone; one address for the claim")
                    .containsExactlyInAnyOrder("other-provider-claim", "mine");
        }
    }

    /** A claim of another IPAM provider, known to the API server only through its address's owner reference. */
    private GenericKubernetesResource foreignClaim() {
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion(IpamApi.apiVersion(IpamApi.CLAIMS));
        claim.setKind(IpamApi.CLAIMS.getKind());
        claim.setMetadata(new ObjectMetaBuilder()
                .withName("other-provider-claim")
                .withNamespace(namespace)
                .withUid(UUID.randomUUID().toString())
                .build());
        return claim;
    }
}
