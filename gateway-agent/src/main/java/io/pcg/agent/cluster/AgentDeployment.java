package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent as it runs inside the gateway cluster after the pivot: a Deployment with its own service account, the
 * rights it needs on the Cluster API, IPAM and core objects, and the gateway's mTLS identity from a Secret, so the
 * console sees the same gateway whichever copy of the agent is connected. Pure: rendered here, applied by the pivot.
 */
public final class AgentDeployment {

    static final String NAME = "pcg-agent";
    static final String IDENTITY_SECRET = "pcg-agent-identity";
    /** Where the identity Secret is mounted: the agent's state folder holds identity/ with these files. */
    static final String STATE_DIR = "/var/lib/pcg";

    private static final Map<String, String> LABELS =
            Map.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/part-of", "pcg");
    /** Replicas of the gateway's agent, on different nodes of a 3-node gateway; leader election picks the one that acts. */
    static final int REPLICAS = 3;

    private AgentDeployment() {}

    /**
     * Everything: {@link #access} and {@link #agent}.
     *
     * @param identityFiles the agent's identity folder (file name → content): key, certificate, CA bundle
     */
    static List<HasMetadata> render(
            String namespace,
            String gatewayName,
            String consoleEndpoint,
            String image,
            Map<String, byte[]> identityFiles) {
        List<HasMetadata> objects = new ArrayList<>(access(namespace));
        objects.addAll(agent(namespace, gatewayName, consoleEndpoint, image, identityFiles));
        return List.copyOf(objects);
    }

    /**
     * The agent itself: its identity Secret and its Deployment. The pivot applies them once the Cluster API objects
     * and the agent's state are in the gateway cluster, after {@link #access} (applied before the move).
     *
     * @param identityFiles the agent's identity folder (file name → content): key, certificate, CA bundle
     */
    static List<HasMetadata> agent(
            String namespace,
            String gatewayName,
            String consoleEndpoint,
            String image,
            Map<String, byte[]> identityFiles) {
        Map<String, String> data = new TreeMap<>();
        identityFiles.forEach(
                (file, content) -> data.put(file, Base64.getEncoder().encodeToString(content)));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PCG_AGENT_NAME", gatewayName);
        env.put("PCG_AGENT_CONSOLE_ENDPOINT", consoleEndpoint);
        env.put("PCG_AGENT_STATE_DIR", STATE_DIR);
        return List.of(
                new SecretBuilder()
                        .withNewMetadata()
                        .withName(IDENTITY_SECRET)
                        .withNamespace(namespace)
                        .withLabels(LABELS)
                        .endMetadata()
                        .withType("Opaque")
                        .withData(data)
                        .build(),
                deployment(namespace, image, env, true));
    }

    /**
     * The agent inside a pivoted tenant cluster (seed 004): it runs {@code io.pcg.agent.tenant.TenantSelfManagement}
     * on the spec the gateway leaves in {@code namespace}. It has no console identity: the gateway reports for it.
     */
    public static List<HasMetadata> renderTenant(String namespace, String image) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PCG_AGENT_TENANT_SELF_NAMESPACE", namespace);
        env.put("PCG_AGENT_STATE_DIR", STATE_DIR);
        List<HasMetadata> objects = new ArrayList<>(access(namespace));
        objects.add(deployment(namespace, image, env, false));
        return List.copyOf(objects);
    }

    /** Its namespace, service account and the rights it needs on the Cluster API, IPAM and core objects. */
    static List<HasMetadata> access(String namespace) {
        return List.of(
                new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .build(),
                new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withNamespace(namespace)
                        .withLabels(LABELS)
                        .endMetadata()
                        .build(),
                new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withLabels(LABELS)
                        .endMetadata()
                        .withRules(
                                rule(
                                        List.of(
                                                "cluster.x-k8s.io",
                                                "controlplane.cluster.x-k8s.io",
                                                "bootstrap.cluster.x-k8s.io",
                                                "infrastructure.cluster.x-k8s.io",
                                                "ipam.cluster.x-k8s.io"),
                                        List.of("*"),
                                        List.of("get", "list", "watch", "create", "update", "patch", "delete")),
                                rule(
                                        List.of(""),
                                        List.of("secrets", "configmaps", "events", "namespaces"),
                                        List.of("get", "list", "watch", "create", "update", "patch", "delete")),
                                rule(
                                        List.of("coordination.k8s.io"),
                                        List.of("leases"),
                                        List.of("get", "list", "watch", "create", "update", "patch")))
                        .build(),
                new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withLabels(LABELS)
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("ClusterRole")
                        .withName(NAME)
                        .endRoleRef()
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName(NAME)
                        .withNamespace(namespace)
                        .endSubject()
                        .build());
    }

    /**
     * @param identity the gateway's agent: the console identity mounted, {@link #REPLICAS} replicas with leader
     *                 election; otherwise (a tenant cluster's agent) one replica without
     */
    private static Deployment deployment(String namespace, String image, Map<String, String> env, boolean identity) {
        ContainerBuilder container = new ContainerBuilder().withName("agent").withImage(image);
        env.forEach((name, value) ->
                container.addNewEnv().withName(name).withValue(value).endEnv());
        if (identity) {
            container
                    .addNewEnv()
                    .withName("PCG_AGENT_LEADER_ELECTION_ENABLED")
                    .withValue("true")
                    .endEnv()
                    .addNewEnv()
                    .withName("PCG_AGENT_STATE_IN_CLUSTER")
                    .withValue("true")
                    .endEnv();
        }
        // The root file system is read-only: the state folder (event log, queued commands) is a volume of the pod's
        // own, kept across container restarts, with the identity mounted inside. What every replica must share (the
        // gateway's record, tenant clusters, cloud accounts) is in the state Secret (io.pcg.agent.state).
        container.addNewVolumeMount().withName("state").withMountPath(STATE_DIR).endVolumeMount();
        if (identity) {
            container
                    .addNewVolumeMount()
                    .withName("identity")
                    .withMountPath(STATE_DIR + "/identity")
                    .withReadOnly(true)
                    .endVolumeMount();
        }
        container
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .endSecurityContext();
        PodSpecBuilder pod = new PodSpecBuilder().withServiceAccountName(NAME).addToContainers(container.build());
        pod.addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume();
        if (identity) {
            pod.addNewVolume()
                    .withName("identity")
                    .withNewSecret()
                    .withSecretName(IDENTITY_SECRET)
                    .withDefaultMode(0400)
                    .endSecret()
                    .endVolume();
        }
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(identity ? REPLICAS : 1)
                .withNewSelector()
                .withMatchLabels(LABELS)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(LABELS)
                .endMetadata()
                .withSpec(pod.build())
                .endTemplate()
                .endSpec()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.rbac.PolicyRule rule(
            List<String> groups, List<String> resources, List<String> verbs) {
        return new PolicyRuleBuilder()
                .withApiGroups(groups)
                .withResources(resources)
                .withVerbs(verbs)
                .build();
    }
}
