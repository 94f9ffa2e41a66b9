package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pcg.agent.kube.Fields;
import io.pcg.agent.kube.Informers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the gateway cluster's Machines and remembers the most there were at once, and the most provisioning (no
 * Ready condition yet) at once: what "one node at a time" means for a resize or a rolling upgrade.
 */
final class ProvisioningMachines implements AutoCloseable {

    private final Map<String, Boolean> provisioning = new ConcurrentHashMap<>();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicInteger mostMachines = new AtomicInteger();
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    ProvisioningMachines(KubernetesClient client) {
        informer = client.genericKubernetesResources(CapiKinds.MACHINES)
                .inNamespace("pcg-system")
                .inform(new Informers.ChangeHandler() {
                    @Override
                    protected void changed(GenericKubernetesResource machine) {
                        seen(machine);
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource machine, boolean unknownFinalState) {
                        provisioning.remove(machine.getMetadata().getName());
                    }
                });
    }

    private synchronized void seen(GenericKubernetesResource machine) {
        boolean ready = Fields.list(machine, "status", "conditions").stream()
                .anyMatch(condition -> "Ready".equals(condition.get("type")) && "True".equals(condition.get("status")));
        provisioning.put(machine.getMetadata().getName(), !ready);
        mostMachines.accumulateAndGet(provisioning.size(), Math::max);
        most.accumulateAndGet(
                (int) provisioning.values().stream()
                        .filter(Boolean::booleanValue)
                        .count(),
                Math::max);
    }

    /** The most machines provisioning at the same time. */
    int mostAtOnce() {
        return most.get();
    }

    /** The most machines that existed at the same time, being deleted ones included. */
    int mostMachines() {
        return mostMachines.get();
    }

    @Override
    public void close() {
        informer.close();
    }
}
