package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test only: watches control-plane Machines from outside and records, each time one appears, which other
 * control-plane Machines were still provisioning at that moment: without a Node ({@code status.nodeRef}) or with
 * one of KCP's health conditions (APIServerPodHealthy, ControllerManagerPodHealthy, SchedulerPodHealthy,
 * EtcdPodHealthy, EtcdMemberHealthy) not True, which is what KCP's preflight checks before creating the next one. The state is rebuilt from the watch events alone, which
 * arrive in resourceVersion order, so it is exactly what the API server held when the new Machine was created.
 */
final class ProvisioningRecorder implements AutoCloseable {

    /** A control-plane Machine appeared while {@code notReady} others were still provisioning. */
    record Creation(String machine, List<String> notReady) {}

    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final List<Creation> creations = new CopyOnWriteArrayList<>();
    /** Control-plane Machine name to "provisioned" (only touched by the informer's event thread). */
    private final Map<String, Boolean> ready = new LinkedHashMap<>();

    ProvisioningRecorder(KubernetesClient client, String namespace) {
        informer = client.genericKubernetesResources(Kind.MACHINE.context)
                .inNamespace(namespace)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(GenericKubernetesResource machine) {
                                if (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) == null) {
                                    return;
                                }
                                List<String> notReady = new ArrayList<>();
                                ready.forEach((name, isReady) -> {
                                    if (!isReady) {
                                        notReady.add(name);
                                    }
                                });
                                creations.add(new Creation(Obj.name(machine), notReady));
                                ready.put(Obj.name(machine), provisioned(machine));
                            }

                            @Override
                            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource machine) {
                                if (Obj.label(machine, Sim.CONTROL_PLANE_LABEL) != null) {
                                    ready.put(Obj.name(machine), provisioned(machine));
                                }
                            }

                            @Override
                            public void onDelete(GenericKubernetesResource machine, boolean unknown) {
                                ready.remove(Obj.name(machine));
                            }
                        },
                        0);
    }

    private static boolean provisioned(GenericKubernetesResource machine) {
        return Obj.at(machine, "status", "nodeRef") != null
                && KubeadmControlPlaneReconciler.HEALTH_CONDITIONS.stream()
                        .allMatch(c -> Conditions.isTrue(machine, c));
    }

    List<Creation> creations() {
        return List.copyOf(creations);
    }

    /** The most control-plane Machines provisioning at once (the new one plus those not Ready). */
    int maxProvisioningAtOnce() {
        return creations.stream().mapToInt(c -> 1 + c.notReady().size()).max().orElse(0);
    }

    @Override
    public void close() {
        informer.close();
    }
}
