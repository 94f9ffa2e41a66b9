package io.pcg.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/** Test only: reading the simulated objects back. */
final class Checks {

    private Checks() {}

    static GenericKubernetesResource get(KubernetesClient client, Kind kind, String namespace, String name) {
        return client.genericKubernetesResources(kind.context)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    static List<GenericKubernetesResource> list(KubernetesClient client, Kind kind, String namespace) {
        return client.genericKubernetesResources(kind.context)
                .inNamespace(namespace)
                .list()
                .getItems();
    }

    static boolean conditionTrue(KubernetesClient client, Kind kind, String namespace, String name, String condition) {
        GenericKubernetesResource resource = get(client, kind, namespace, name);
        return resource != null && Conditions.isTrue(resource, condition);
    }

    static boolean available(KubernetesClient client, String namespace, String cluster) {
        return conditionTrue(client, Kind.CLUSTER, namespace, cluster, "Available");
    }

    /**
     * The Cluster is Available and its control plane has {@code replicas} Ready, available Machines, all of them
     * reflected in the Cluster's status (the Cluster turns Available as soon as KCP does, a moment before the
     * Machines' own Ready conditions and the Cluster's aggregates catch up).
     */
    static boolean settled(KubernetesClient client, String namespace, String cluster, int replicas) {
        GenericKubernetesResource object = get(client, Kind.CLUSTER, namespace, cluster);
        GenericKubernetesResource kcp = get(client, Kind.KUBEADM_CONTROL_PLANE, namespace, cluster);
        return object != null
                && kcp != null
                && Conditions.isTrue(object, "Available")
                && Conditions.isTrue(object, "ControlPlaneMachinesReady")
                && Integer.valueOf(replicas).equals(Obj.at(object, "status", "controlPlane", "readyReplicas"))
                && Integer.valueOf(replicas).equals(Obj.at(object, "status", "controlPlane", "availableReplicas"))
                && Integer.valueOf(replicas).equals(Obj.at(kcp, "status", "availableReplicas"));
    }

    /** Every condition carries the five fields the CRDs require. */
    static void assertConditionsWellFormed(GenericKubernetesResource resource) {
        List<Map<String, Object>> conditions = Obj.maps(resource, "status", "conditions");
        assertThat(conditions)
                .as("%s %s conditions", resource.getKind(), Obj.name(resource))
                .isNotEmpty();
        for (Map<String, Object> condition : conditions) {
            assertThat(condition)
                    .as("%s %s condition", resource.getKind(), Obj.name(resource))
                    .containsKeys("type", "status", "reason", "message", "lastTransitionTime");
            assertThat(String.valueOf(condition.get("reason"))).isNotBlank();
        }
    }

    /** A readable dump of an object's conditions, for failure messages. */
    static String conditions(KubernetesClient client, Kind kind, String namespace) {
        StringBuilder out = new StringBuilder();
        for (GenericKubernetesResource resource : list(client, kind, namespace)) {
            out.append(kind.kind).append(' ').append(Obj.name(resource)).append(":\n");
            for (Map<String, Object> condition : Obj.maps(resource, "status", "conditions")) {
                out.append("  ")
                        .append(condition.get("type"))
                        .append('=')
                        .append(condition.get("status"))
                        .append(' ')
                        .append(condition.get("reason"))
                        .append(' ')
                        .append(String.valueOf(condition.get("message")).replace("\n", " | "))
                        .append('\n');
            }
        }
        return out.toString();
    }
}
