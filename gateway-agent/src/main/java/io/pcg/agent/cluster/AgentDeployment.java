package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent as it runs inside the gateway cluster after the pivot: a Deployment with its own service account, the
 * rights it needs on the Cluster API, IPAM and core objects, and the gateway's mTLS identity from a Secret, so the
 * console sees the same gateway whichever copy of the agent is connected. Pure: rendered here, applied by the pivot.
 */
final class AgentDeployment {

    static final String NAME = "pcg-agent";
    static final String IDENTITY_SECRET = "pcg-agent-identity";
    /** Where the identity Secret is mounted: the agent's state folder holds identity/ with these files. */
    static final String STATE_DIR = "/var/lib/pcg";
    /** Replicas on different nodes of a 3-node gateway; leader election picks the one that acts. */
    static final int REPLICAS = 3;

    private AgentDeployment() {
    }

    /**
     * @param identityFiles the agent's identity folder (file name → content): key, certificate, CA bundle
     */
    static List<HasMetadata> render(String namespace, String gatewayName, String consoleEndpoint, String image,
                                    Map<String, byte[]> identityFiles) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/part-of", "pcg");
        Map<String, String> data = new TreeMap<>();
        identityFiles.forEach((file, content) -> data.put(file, Base64.getEncoder().encodeToString(content)));
        return List.of(
                new ServiceAccountBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).withLabels(labels)
                        .endMetadata().build(),
                new ClusterRoleBuilder().withNewMetadata().withName(NAME).withLabels(labels).endMetadata()
                        .withRules(
                                rule(List.of("cluster.x-k8s.io", "controlplane.cluster.x-k8s.io", "bootstrap.cluster.x-k8s.io",
                                        "infrastructure.cluster.x-k8s.io", "ipam.cluster.x-k8s.io"), List.of("*"),
                                        List.of("get", "list", "watch", "create", "update", "patch", "delete")),
                                rule(List.of(""), List.of("secrets", "configmaps", "events", "namespaces"),
                                        List.of("get", "list", "watch", "create", "update", "patch", "delete")),
                                rule(List.of("coordination.k8s.io"), List.of("leases"),
                                        List.of("get", "list", "watch", "create", "update", "patch")))
                        .build(),
                new ClusterRoleBindingBuilder().withNewMetadata().withName(NAME).withLabels(labels).endMetadata()
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(NAME).endRoleRef()
                        .addNewSubject().withKind("ServiceAccount").withName(NAME).withNamespace(namespace).endSubject()
                        .build(),
                new SecretBuilder().withNewMetadata().withName(IDENTITY_SECRET).withNamespace(namespace).withLabels(labels)
                        .endMetadata().withType("Opaque").withData(data).build(),
                new DeploymentBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).withLabels(labels).endMetadata()
                        .withNewSpec().withReplicas(REPLICAS)
                        .withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec().withServiceAccountName(NAME)
                        .addNewContainer().withName("agent").withImage(image)
                        .addNewEnv().withName("PCG_AGENT_NAME").withValue(gatewayName).endEnv()
                        .addNewEnv().withName("PCG_AGENT_CONSOLE_ENDPOINT").withValue(consoleEndpoint).endEnv()
                        .addNewEnv().withName("PCG_AGENT_STATE_DIR").withValue(STATE_DIR).endEnv()
                        .addNewEnv().withName("PCG_AGENT_LEADER_ELECTION_ENABLED").withValue("true").endEnv()
                        // The root file system is read-only: the state folder (event log, queued commands) is a
                        // volume of the pod's own, kept across container restarts, with the identity mounted inside.
                        .addNewVolumeMount().withName("state").withMountPath(STATE_DIR).endVolumeMount()
                        .addNewVolumeMount().withName("identity").withMountPath(STATE_DIR + "/identity").withReadOnly(true)
                        .endVolumeMount()
                        .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true).endSecurityContext()
                        .endContainer()
                        .addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume()
                        .addNewVolume().withName("identity").withNewSecret().withSecretName(IDENTITY_SECRET)
                        .withDefaultMode(0400).endSecret().endVolume()
                        .endSpec().endTemplate().endSpec().build());
    }

    private static io.fabric8.kubernetes.api.model.rbac.PolicyRule rule(List<String> groups, List<String> resources,
                                                                         List<String> verbs) {
        return new PolicyRuleBuilder().withApiGroups(groups).withResources(resources).withVerbs(verbs).build();
    }
}
