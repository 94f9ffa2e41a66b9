package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.kube.Await;
import io.pcg.agent.kube.MockKubeApi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A mock management cluster with the IPAM provider running, plus claim helpers (reused by bench/). */
public final class IpamFixture implements AutoCloseable {

    public static final String NAMESPACE = "pcg-system";

    private final MockKubeApi api;
    private final IpamConfig config;
    private final PoolService pools;
    private IpamController controller;
    private KubernetesClient controllerClient;
    private final List<IpamController> crashed = new java.util.ArrayList<>();
    private final List<KubernetesClient> crashedClients = new java.util.ArrayList<>();

    public IpamFixture(IpamConfig config) {
        this.api = MockKubeApi.start();
        this.config = config;
        this.pools = new PoolService(api.client(), config);
    }

    public static IpamFixture started() {
        IpamFixture fixture = new IpamFixture(IpamConfig.defaults(NAMESPACE));
        fixture.startController();
        return fixture;
    }

    public KubernetesClient client() {
        return api.client();
    }

    public MockKubeApi api() {
        return api;
    }

    public PoolService pools() {
        return pools;
    }

    public IpamConfig config() {
        return config;
    }

    /** Starts a fresh allocator (its own client and caches), as a restarted agent would. */
    public void startController() {
        controllerClient = api.newClient();
        controller = new IpamController(controllerClient, config);
        controller.start();
    }

    /**
     * Kills the allocator mid-work and starts a fresh one. The dead one's watches stay open until {@link #close()}:
     * the mock server stalls for a minute when a watch is closed under load, which a real API server does not.
     */
    public void crashAndRestartController() {
        controller.stopWorking();
        crashed.add(controller);
        crashedClients.add(controllerClient);
        startController();
    }

    public void stopController() {
        if (controller != null) {
            controller.close();
            controllerClient.close();
            controller = null;
        }
    }

    public void createClaim(String name, String pool, String cluster) {
        createClaim(name, pool, cluster, Map.of());
    }

    public void createClaim(String name, String pool, String cluster, Map<String, String> annotations) {
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion(IpamApi.apiVersion(IpamApi.CLAIMS));
        claim.setKind(IpamApi.CLAIMS.getKind());
        claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withAnnotations(annotations).build());
        Map<String, Object> spec = new HashMap<>();
        spec.put("poolRef", Map.of("apiGroup", IpamApi.GROUP, "kind", IpamApi.POOL_KIND, "name", pool));
        if (cluster != null) {
            spec.put("clusterName", cluster);
        }
        claim.setAdditionalProperty("spec", spec);
        claims().resource(claim).create();
    }

    public void deleteClaim(String name) {
        claims().withName(name).delete();
    }

    public GenericKubernetesResource claim(String name) {
        return claims().withName(name).get();
    }

    /** The claim's Ready condition, or null. */
    public Map<String, Object> ready(String name) {
        GenericKubernetesResource claim = claim(name);
        if (claim == null) {
            return null;
        }
        return Fields.list(claim, "status", "conditions").stream()
                .filter(condition -> ClaimCondition.TYPE.equals(condition.get("type"))).findFirst().orElse(null);
    }

    public String reason(String name) {
        Map<String, Object> ready = ready(name);
        return ready == null ? null : Objects.toString(ready.get("reason"));
    }

    public String message(String name) {
        Map<String, Object> ready = ready(name);
        return ready == null ? null : Objects.toString(ready.get("message"));
    }

    /** Waits until the claim is served and returns its address. */
    public String awaitAddress(String claim) {
        Await.until("claim " + claim + " has an address", () -> "True".equals(ready(claim) == null ? null : ready(claim).get("status"))
                && Fields.text(claim(claim), "status", "addressRef", "name") != null, () -> String.valueOf(claim(claim)));
        return address(claim);
    }

    public void awaitReason(String claim, String reason) {
        Await.until("claim " + claim + " shows " + reason, () -> reason.equals(reason(claim)), () -> String.valueOf(claim(claim)));
    }

    public void awaitGone(String claim) {
        Await.until("claim " + claim + " is deleted", () -> claim(claim) == null, () -> String.valueOf(claim(claim)));
    }

    public String address(String claim) {
        String addressName = Fields.text(claim(claim), "status", "addressRef", "name");
        GenericKubernetesResource address = addresses().stream()
                .filter(item -> item.getMetadata().getName().equals(addressName)).findFirst().orElseThrow();
        return Fields.text(address, "spec", "address");
    }

    public List<GenericKubernetesResource> addresses() {
        return client().genericKubernetesResources(IpamApi.ADDRESSES).inNamespace(NAMESPACE).list().getItems();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> claims() {
        return client().genericKubernetesResources(IpamApi.CLAIMS).inNamespace(NAMESPACE);
    }

    @Override
    public void close() {
        stopController();
        crashed.forEach(IpamController::close);
        crashedClients.forEach(KubernetesClient::close);
        api.close();
    }
}
