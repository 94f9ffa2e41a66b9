package io.pcg.agent.ipam;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The IPAM provider serving one test namespace of the test kit's real API server, plus claim helpers. Claims are
 * created as CAPV creates them ({@link IpAddressClaims}).
 */
final class IpamFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final KubeApiServer server;
    private final IpamConfig config;
    private final Clock clock;
    private final ManagementCluster cluster;
    private final PoolService pools;
    private IpamController controller;
    private ManagementCluster controllerCluster;

    IpamFixture(KubeApiServer server, IpamConfig config, Clock clock) {
        this.server = server;
        this.config = config;
        this.clock = clock;
        this.cluster = connect(server);
        this.pools = new PoolService(cluster, config);
    }

    static IpamFixture started(KubeApiServer server, TestNamespace namespace) {
        IpamFixture fixture = new IpamFixture(server, IpamConfig.defaults(namespace.name()), Clock.systemUTC());
        fixture.startController();
        return fixture;
    }

    /** The management cluster as the agent sees it: its own client to the server. */
    static ManagementCluster connect(KubeApiServer server) {
        return new ManagementCluster(KubeConfig.of(server.kubeconfig()));
    }

    String namespace() {
        return config.namespace();
    }

    KubernetesClient client() {
        return server.client();
    }

    PoolService pools() {
        return pools;
    }

    ManagementCluster cluster() {
        return cluster;
    }

    /** Starts a fresh allocator (its own client and caches), as a restarted agent would. */
    void startController() {
        controllerCluster = connect(server);
        controller = new IpamController(controllerCluster, config, clock);
        controller.start();
    }

    /** Kills the allocator mid-work, as a crash would, and starts a fresh one. */
    void crashAndRestartController() {
        controller.stopWorking();
        stopController();
        startController();
    }

    void stopController() {
        if (controller != null) {
            controller.close();
            controllerCluster.close();
            controller = null;
        }
    }

    void createClaim(String name, String pool, String cluster) {
        createClaim(name, pool, cluster, Map.of());
    }

    void createClaim(String name, String pool, String cluster, Map<String, String> annotations) {
        IpAddressClaims.create(client(), namespace(), name, pool, cluster, annotations);
    }

    void deleteClaim(String name) {
        client().genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace())
                .withName(name)
                .delete();
    }

    GenericKubernetesResource claim(String name) {
        return client().genericKubernetesResources(IpamApi.CLAIMS)
                .inNamespace(namespace())
                .withName(name)
                .get();
    }

    /** The claim's Ready condition, or null. */
    Map<String, Object> ready(String name) {
        GenericKubernetesResource claim = claim(name);
        if (claim == null) {
            return null;
        }
        return Fields.list(claim, "status", "conditions").stream()
                .filter(condition -> ClaimCondition.TYPE.equals(condition.get("type")))
                .findFirst()
                .orElse(null);
    }

    String reason(String name) {
        Map<String, Object> ready = ready(name);
        return ready == null ? null : Objects.toString(ready.get("reason"));
    }

    String message(String name) {
        Map<String, Object> ready = ready(name);
        return ready == null ? null : Objects.toString(ready.get("message"));
    }

    /** Waits until the claim is served and returns its address. */
    String awaitAddress(String claim) {
        await("claim " + claim + " has an address").atMost(WAIT).until(() -> {
            Map<String, Object> ready = ready(claim);
            return ready != null
                    && "True".equals(ready.get("status"))
                    && Fields.text(claim(claim), "status", "addressRef", "name") != null;
        });
        return address(claim);
    }

    void awaitReason(String claim, String reason) {
        await("claim " + claim + " shows " + reason).atMost(WAIT).until(() -> reason.equals(reason(claim)));
    }

    void awaitGone(String claim) {
        await("claim " + claim + " is deleted").atMost(WAIT).until(() -> claim(claim) == null);
    }

    /** Waits for a Warning event with {@code reason} on the claim (events are written after the claim's status). */
    void awaitEvent(String claim, String reason) {
        await("event " + reason + " on claim " + claim)
                .atMost(WAIT)
                .until(() -> client().v1().events().inNamespace(namespace()).list().getItems().stream()
                        .anyMatch(event -> reason.equals(event.getReason())
                                && claim.equals(event.getInvolvedObject().getName())));
    }

    String address(String claim) {
        return Fields.text(addressObject(claim), "spec", "address");
    }

    /** The IPAddress the claim's status points at. */
    GenericKubernetesResource addressObject(String claim) {
        String addressName = Fields.text(claim(claim), "status", "addressRef", "name");
        return addresses().stream()
                .filter(item -> item.getMetadata().getName().equals(addressName))
                .findFirst()
                .orElseThrow();
    }

    /** The uid of the claim the address was created for (its controller ownerReference). */
    static String ownerUid(GenericKubernetesResource address) {
        return address.getMetadata().getOwnerReferences().stream()
                .filter(owner -> Boolean.TRUE.equals(owner.getController()))
                .findFirst()
                .orElseThrow()
                .getUid();
    }

    List<GenericKubernetesResource> addresses() {
        return client().genericKubernetesResources(IpamApi.ADDRESSES)
                .inNamespace(namespace())
                .list()
                .getItems();
    }

    @Override
    public void close() {
        stopController();
        cluster.close();
    }
}
