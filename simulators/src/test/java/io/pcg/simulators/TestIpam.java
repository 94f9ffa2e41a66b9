package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test only: a tiny IPAM provider for the simulators' own tests (the agent is the real one): answers each
 * IPAddressClaim in one namespace with the next address of 10.10.0.10-60 (an IPAddress owned by the claim, then
 * {@code status.addressRef} and {@code Ready}). A claim whose IPAddress already exists (after clusterctl move) gets
 * that one back.
 */
final class TestIpam implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final AtomicInteger next = new AtomicInteger(10);
    private final Map<String, String> answered = new ConcurrentHashMap<>();

    TestIpam(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.informer = client.genericKubernetesResources(Kind.IP_ADDRESS_CLAIM.context)
                .inNamespace(namespace)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(GenericKubernetesResource claim) {
                                executor.execute(() -> answer(Obj.name(claim)));
                            }

                            @Override
                            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource claim) {
                                executor.execute(() -> answer(Obj.name(claim)));
                            }

                            @Override
                            public void onDelete(GenericKubernetesResource claim, boolean unknown) {}
                        },
                        5_000);
    }

    /** Claim name to the address it was given. */
    Map<String, String> answered() {
        return Map.copyOf(answered);
    }

    private void answer(String name) {
        try {
            GenericKubernetesResource claim = client.genericKubernetesResources(Kind.IP_ADDRESS_CLAIM.context)
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
            if (claim == null || Obj.deleting(claim) || Obj.text(claim, "status", "addressRef", "name") != null) {
                return;
            }
            List<GenericKubernetesResource> addresses = client.genericKubernetesResources(Kind.IP_ADDRESS.context)
                    .inNamespace(namespace)
                    .list()
                    .getItems();
            GenericKubernetesResource address = addresses.stream()
                    .filter(a -> name.equals(Obj.text(a, "spec", "claimRef", "name")))
                    .findFirst()
                    .orElse(null);
            if (address == null) {
                String ip = "10.10.0." + next.getAndIncrement();
                address = new GenericKubernetesResource();
                address.setApiVersion(Kind.IP_ADDRESS.apiVersion());
                address.setKind(Kind.IP_ADDRESS.kind);
                address.setMetadata(new ObjectMetaBuilder()
                        .withName("ip-" + ip.replace('.', '-'))
                        .withNamespace(namespace)
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withApiVersion(claim.getApiVersion())
                                .withKind(claim.getKind())
                                .withName(name)
                                .withUid(claim.getMetadata().getUid())
                                .withController(true)
                                .withBlockOwnerDeletion(true)
                                .build())
                        .build());
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("address", ip);
                spec.put("prefix", 24);
                spec.put("gateway", "10.10.0.1");
                spec.put("claimRef", Map.of("name", name));
                spec.put("poolRef", Obj.map(claim, "spec", "poolRef"));
                address.setAdditionalProperty("spec", spec);
                address = client.genericKubernetesResources(Kind.IP_ADDRESS.context)
                        .inNamespace(namespace)
                        .resource(address)
                        .create();
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("addressRef", Map.of("name", Obj.name(address)));
            Conditions.set(status, "Ready", Conditions.TRUE, "Allocated", "", Instant.now());
            claim.setAdditionalProperty("status", status);
            client.genericKubernetesResources(Kind.IP_ADDRESS_CLAIM.context)
                    .inNamespace(namespace)
                    .resource(claim)
                    .updateStatus();
            answered.put(name, Obj.text(address, "spec", "address"));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                executor.execute(() -> answer(name));
            } else if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        informer.close();
        executor.shutdownNow();
    }
}
