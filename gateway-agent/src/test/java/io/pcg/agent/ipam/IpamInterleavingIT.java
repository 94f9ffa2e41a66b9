package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.JsonPatch;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.common.net.Ip;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Races that timing alone would almost never show, made certain on a real API server: a request of the agent is held
 * back while the concurrent change happens, then sent ({@link Interleave}).
 */
@ExtendWith(KubeApiServerExtension.class)
class IpamInterleavingIT {

    private static final String POOL = "restricted";
    /** Enough for every reconcile in these tests: each retry follows a lost optimistic-concurrency race. */
    private static final int MAX_PASSES = 5;

    private KubeApiServer server;
    private IpamConfig config;
    private ManagementCluster plain;
    private ManagementCluster intercepted;
    private final Interleave interleave = new Interleave();

    @BeforeEach
    void start(KubeApiServer server, TestNamespace namespace) {
        this.server = server;
        this.config = IpamConfig.defaults(namespace.name());
        this.plain = IpamFixture.connect(server);
        this.intercepted = new ManagementCluster(
                KubeConfig.of(server.kubeconfig()), http -> http.addOrReplaceInterceptor("interleave", interleave));
    }

    @AfterEach
    void stop() {
        plain.close();
        intercepted.close();
    }

    /**
     * Cluster a releases its only address while its next claim is served. The release has listed the pool's
     * addresses (none of a's left) and is about to lift the reservation when the new claim takes an address under
     * it. Before the fix the new claim kept its address and the reservation was lifted anyway, so cluster b could
     * take the pool too.
     */
    @Test
    void aClaimServedWhileItsClusterReleasesItsLastAddressKeepsThePoolReserved() throws Exception {
        new PoolService(plain, config).create(restrictedPool());
        AddressIndex index = new AddressIndex();
        ClaimReconciler allocating = reconciler(plain.client(), index);
        ClaimReconciler releasing = reconciler(intercepted.client(), index);

        createClaim("a-1", "a");
        assertThat(untilSettled(allocating, "a-1")).isEqualTo(ClaimReconciler.Next.DONE);
        assertThat(reservedFor()).isEqualTo("a");

        createClaim("a-2", "a");
        client().genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace())
                .withName("a-1")
                .delete();
        interleave.once(
                request -> "PATCH".equals(request.method())
                        && request.uri().getPath().endsWith("/" + POOL)
                        && request.bodyString().contains("\"remove\""),
                () -> assertThat(untilSettled(allocating, "a-2")).isEqualTo(ClaimReconciler.Next.DONE));

        assertThat(untilSettled(releasing, "a-1")).isEqualTo(ClaimReconciler.Next.DONE);

        assertThat(interleave.happened())
                .as("the release tried to lift the reservation")
                .isTrue();
        assertThat(addressOf("a-2")).as("a-2 holds an address").isNotNull();
        assertThat(reservedFor())
                .as("pool reserved while cluster a holds an address")
                .isEqualTo("a");
        createClaim("b-1", "b");
        assertThat(untilSettled(allocating, "b-1")).isEqualTo(ClaimReconciler.Next.WAIT_FOR_POOL);
        assertThat(addressOf("b-1")).isNull();

        // Once a's last address goes, the pool is b's to take.
        client().genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace())
                .withName("a-2")
                .delete();
        assertThat(untilSettled(allocating, "a-2")).isEqualTo(ClaimReconciler.Next.DONE);
        assertThat(reservedFor()).isNull();
        assertThat(untilSettled(allocating, "b-1")).isEqualTo(ClaimReconciler.Next.DONE);
        assertThat(addressOf("b-1")).isNotNull();
        assertThat(reservedFor()).isEqualTo("b");
    }

    /**
     * A shrink is undone because an address was handed out under the old definition meanwhile, and in the same
     * instant that address's claim reserved the pool for its cluster. Before the fix the undo was an unconditional
     * update rendered from what the shrink had read, so it wiped the reservation.
     */
    @Test
    void aShrinkUndoneAfterAConcurrentReservationKeepsIt() throws Exception {
        PoolService pools = new PoolService(intercepted, config);
        pools.create(restrictedPool());
        PoolSpec shrunk =
                new PoolSpec(POOL, "range", "10.0.0.10", "10.0.0.15", null, 24, "10.0.0.1", List.of(), true, List.of());
        AtomicBoolean replaced = new AtomicBoolean();
        interleave.observe(
                request -> "PUT".equals(request.method())
                        && request.uri().getPath().endsWith("/" + POOL),
                () -> replaced.set(true));
        interleave.once(
                request -> replaced.get()
                        && "GET".equals(request.method())
                        && request.uri().getPath().endsWith("/ipaddresses"),
                () -> {
                    // A claim of cluster a served under the old definition: its address, then its reservation.
                    GenericKubernetesResource claim = createClaim("a-1", "a");
                    Pool previous = PoolManifest.parse(pool());
                    client().genericKubernetesResources(IpamApi.ADDRESSES)
                            .inNamespace(namespace())
                            .resource(AddressManifest.render(previous, Ip.parse("10.0.0.19"), claim, "a"))
                            .create();
                    GenericKubernetesResource pool = pool();
                    client().genericKubernetesResources(IpamApi.POOLS)
                            .inNamespace(namespace())
                            .resource(pool)
                            .patch(
                                    JsonPatch.CONTEXT,
                                    JsonPatch.basedOn(pool)
                                            .setAnnotation(pool, IpamApi.RESERVED_FOR_ANNOTATION, "a")
                                            .toJson());
                });

        assertThatThrownBy(() -> pools.update(shrunk))
                .isInstanceOfSatisfying(
                        IpamException.class, e -> assertThat(e.code()).isEqualTo(IpamException.IN_USE));

        assertThat(interleave.happened())
                .as("the address and the reservation came between the shrink and its check")
                .isTrue();
        assertThat(Fields.list(pool(), "spec", "addresses"))
                .as("old definition back")
                .isEqualTo(List.of("10.0.0.10-10.0.0.20"));
        assertThat(reservedFor())
                .as("the concurrent reservation survives the undo")
                .isEqualTo("a");
    }

    private static PoolSpec restrictedPool() {
        return new PoolSpec(POOL, "range", "10.0.0.10", "10.0.0.20", null, 24, "10.0.0.1", List.of(), true, List.of());
    }

    private ClaimReconciler reconciler(KubernetesClient client, AddressIndex index) {
        return new ClaimReconciler(
                client,
                config,
                index,
                (ns, name) -> client.genericKubernetesResources(IpamApi.CLAIMS)
                        .inNamespace(ns)
                        .withName(name)
                        .get(),
                (ns, name) -> client.genericKubernetesResources(IpamApi.POOLS)
                        .inNamespace(ns)
                        .withName(name)
                        .get(),
                (ns, cluster) -> false,
                (ns, pool) -> {},
                holding -> {},
                pool -> {},
                Clock.systemUTC());
    }

    /** Reconciles as the controller's queue would, straight away again after each lost race. */
    private ClaimReconciler.Next untilSettled(ClaimReconciler reconciler, String claim) {
        ClaimReconciler.Next next = ClaimReconciler.Next.RETRY;
        for (int pass = 0; pass < MAX_PASSES && next == ClaimReconciler.Next.RETRY; pass++) {
            next = reconciler.reconcile(namespace(), claim).next();
        }
        return next;
    }

    private GenericKubernetesResource createClaim(String name, String cluster) {
        return IpAddressClaims.create(client(), namespace(), name, POOL, cluster, Map.of());
    }

    private String addressOf(String claim) {
        GenericKubernetesResource object = client().genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace())
                .withName(claim)
                .get();
        return object == null ? null : Fields.text(object, "status", "addressRef", "name");
    }

    private GenericKubernetesResource pool() {
        return client().genericKubernetesResources(IpamApi.POOLS)
                .inNamespace(namespace())
                .withName(POOL)
                .get();
    }

    private String reservedFor() {
        return PoolManifest.reservedFor(pool());
    }

    private KubernetesClient client() {
        return server.client();
    }

    private String namespace() {
        return config.namespace();
    }
}
