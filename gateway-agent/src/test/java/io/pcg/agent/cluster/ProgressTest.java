package io.pcg.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void addsTheNextControlPlaneNodeOnlyWhenEveryNodeIsReadyWithAHealthyEtcdMember() {
        GenericKubernetesResource kcp = controlPlane(1);
        assertThat(progress(kcp, machine("a", true, true)).readyToAddControlPlaneNode())
                .isTrue();
        assertThat(progress(kcp, machine("a", true, false)).readyToAddControlPlaneNode())
                .as("etcd member not healthy")
                .isFalse();
        assertThat(progress(kcp, machine("a", true, false)).scaleUpBlocker())
                .hasValue("the etcd member on machine a is not healthy");
        assertThat(progress(kcp, machine("a", false, true)).readyToAddControlPlaneNode())
                .as("node not ready")
                .isFalse();

        GenericKubernetesResource two = controlPlane(2);
        assertThat(progress(two, machine("a", true, true)).readyToAddControlPlaneNode())
                .as("the second is not there yet")
                .isFalse();
        assertThat(progress(two, machine("a", true, true), machine("b", false, false))
                        .readyToAddControlPlaneNode())
                .as("the second is provisioning")
                .isFalse();
        assertThat(progress(two, machine("a", true, true), machine("b", true, true))
                        .readyToAddControlPlaneNode())
                .isTrue();
    }

    private static Progress progress(GenericKubernetesResource kcp, GenericKubernetesResource... machines) {
        GenericKubernetesResource cluster =
                resource("c", Map.of("initialization", Map.of("controlPlaneInitialized", true)));
        return Progress.observe(cluster, null, kcp, List.of(machines), List.of());
    }

    private static GenericKubernetesResource controlPlane(int replicas) {
        GenericKubernetesResource kcp = resource("kcp", Map.of());
        kcp.setAdditionalProperty("spec", Map.of("replicas", replicas));
        return kcp;
    }

    private static GenericKubernetesResource machine(String name, boolean ready, boolean etcdHealthy) {
        List<Map<String, Object>> conditions = new ArrayList<>();
        conditions.add(Map.of("type", "Ready", "status", ready ? "True" : "False"));
        conditions.add(Map.of("type", "EtcdMemberHealthy", "status", etcdHealthy ? "True" : "Unknown"));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("conditions", conditions);
        status.put("nodeRef", Map.of("name", name));
        return resource(name, status);
    }

    private static GenericKubernetesResource resource(String name, Map<String, Object> status) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setMetadata(new ObjectMetaBuilder().withName(name).build());
        resource.setAdditionalProperty("status", status);
        return resource;
    }
}
