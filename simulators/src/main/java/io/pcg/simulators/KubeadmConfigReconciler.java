package io.pcg.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulator: CABPK's KubeadmConfig controller (bootstrap/kubeadm/internal/controllers/kubeadmconfig_controller.go):
 * waits for its owner Machine and the Cluster's {@code infrastructureProvisioned}; a join (control-plane join or
 * worker) also waits for the Cluster condition {@code ControlPlaneInitialized}. Then writes the bootstrap data
 * Secret (same name, type {@code cluster.x-k8s.io/secret}, keys {@code value} and {@code format}, label
 * cluster-name, controller owner reference to the config) and sets {@code status.dataSecretName} and
 * {@code status.initialization.dataSecretCreated}. The data is a simulated cloud-config (kubeadm init or join).
 */
final class KubeadmConfigReconciler implements Runtime.Reconciler {

    static final String SECRET_TYPE = "cluster.x-k8s.io/secret";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Sim sim;

    KubeadmConfigReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) throws IOException {
        GenericKubernetesResource config = sim.get(Kind.KUBEADM_CONFIG, key.namespace(), key.name());
        if (config == null || Obj.deleting(config)) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(config);
        OwnerReference ownerRef = Obj.owner(config, Kind.MACHINE);
        GenericKubernetesResource machine =
                ownerRef == null ? null : sim.get(Kind.MACHINE, key.namespace(), ownerRef.getName());
        String clusterName =
                machine != null ? Obj.text(machine, "spec", "clusterName") : Obj.label(config, Sim.CLUSTER_NAME_LABEL);
        GenericKubernetesResource cluster = clusterName == null ? null : sim.cluster(key.namespace(), clusterName);
        if (Sim.paused(cluster, config)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(config, status);
            return null;
        }
        if (machine == null || cluster == null) {
            return null; // "Waiting for Machine Controller to set OwnerRef on KubeadmConfig"
        }
        Sim.pausedCondition(status, false, now);
        Secret existing = sim.client
                .secrets()
                .inNamespace(key.namespace())
                .withName(key.name())
                .get();
        if (existing != null) {
            // already generated (or moved here by clusterctl without status): report it
            ready(status, key.name(), now);
            sim.writeStatus(config, status);
            return null;
        }
        if (!Obj.isTrue(cluster, "status", "initialization", "infrastructureProvisioned")) {
            notReady(
                    status,
                    "WaitingForClusterInfrastructureReady",
                    "Waiting for Cluster status.initialization.infrastructureProvisioned",
                    now);
            sim.writeStatus(config, status);
            return null;
        }
        boolean controlPlane = Obj.label(config, Sim.CONTROL_PLANE_LABEL) != null;
        boolean join = !controlPlane || Obj.at(config, "spec", "joinConfiguration", "controlPlane") != null;
        if (join && !Conditions.isTrue(cluster, "ControlPlaneInitialized")) {
            notReady(
                    status,
                    "WaitingForControlPlaneInitialized",
                    "Waiting for Cluster control plane to be initialized",
                    now);
            sim.writeStatus(config, status);
            return null;
        }
        Duration wait = sim.remaining(config.getMetadata().getUid(), "bootstrap", sim.delays.bootstrap());
        if (!wait.isZero()) {
            notReady(status, "WaitingForBootstrapData", "Generating bootstrap data", now);
            sim.writeStatus(config, status);
            return wait;
        }
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName(key.name())
                .withNamespace(key.namespace())
                .addToLabels(Sim.CLUSTER_NAME_LABEL, clusterName)
                .withOwnerReferences(Obj.ownerRef(config, true))
                .endMetadata()
                .withType(SECRET_TYPE)
                .addToData("value", base64(cloudConfig(config, cluster, join)))
                .addToData("format", base64("cloud-config"))
                .build();
        try {
            sim.client.secrets().inNamespace(key.namespace()).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        ready(status, key.name(), now);
        sim.writeStatus(config, status);
        return null;
    }

    private static void ready(Map<String, Object> status, String secretName, Instant now) {
        status.put("dataSecretName", secretName);
        Obj.child(status, "initialization").put("dataSecretCreated", true);
        Conditions.set(status, "DataSecretAvailable", Conditions.TRUE, "Available", "", now);
        Conditions.set(status, "CertificatesAvailable", Conditions.TRUE, "Available", "", now);
        Conditions.set(status, "Ready", Conditions.TRUE, "Ready", "", now);
    }

    private static void notReady(Map<String, Object> status, String reason, String message, Instant now) {
        Conditions.set(status, "DataSecretAvailable", Conditions.FALSE, reason, message, now);
        Conditions.set(status, "Ready", Conditions.FALSE, "NotReady", "* DataSecretAvailable: " + message, now);
    }

    /**
     * The simulated bootstrap data: cloud-config with the config's files, users and commands and the kubeadm call
     * CABPK would render. The simulated guest only reads which kubeadm phase it is.
     */
    static String cloudConfig(GenericKubernetesResource config, GenericKubernetesResource cluster, boolean join)
            throws IOException {
        Map<String, Object> spec = Obj.map(config, "spec");
        Map<String, Object> document = new LinkedHashMap<>();
        List<Object> files = new ArrayList<>();
        for (Map<String, Object> file : Obj.maps(spec, "files")) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", file.get("path"));
            entry.put("owner", file.getOrDefault("owner", "root:root"));
            entry.put("permissions", file.getOrDefault("permissions", "0640"));
            entry.put("content", file.getOrDefault("content", ""));
            files.add(entry);
        }
        String endpoint = Obj.text(cluster, "spec", "controlPlaneEndpoint", "host") + ":"
                + Obj.text(cluster, "spec", "controlPlaneEndpoint", "port");
        Map<String, Object> kubeadmFile = new LinkedHashMap<>();
        kubeadmFile.put("path", "/run/kubeadm/kubeadm.yaml");
        kubeadmFile.put("owner", "root:root");
        kubeadmFile.put("permissions", "0640");
        Map<String, Object> kubeadm = new LinkedHashMap<>();
        kubeadm.put("apiVersion", "kubeadm.k8s.io/v1beta4");
        if (join) {
            kubeadm.put("kind", "JoinConfiguration");
            kubeadm.put("discovery", Map.of("bootstrapToken", Map.of("apiServerEndpoint", endpoint)));
            if (Obj.at(spec, "joinConfiguration", "controlPlane") != null) {
                kubeadm.put("controlPlane", Map.of("localAPIEndpoint", Map.of()));
            }
        } else {
            kubeadm.put("kind", "InitConfiguration");
            kubeadm.put("controlPlaneEndpoint", endpoint);
        }
        kubeadmFile.put("content", YAML.writeValueAsString(kubeadm));
        files.add(kubeadmFile);
        document.put("write_files", files);
        List<Object> commands = new ArrayList<>(Obj.list(spec, "preKubeadmCommands"));
        commands.add((join ? "kubeadm join" : "kubeadm init") + " --config /run/kubeadm/kubeadm.yaml"
                + " && echo success > /run/cluster-api/bootstrap-success.complete");
        commands.addAll(Obj.list(spec, "postKubeadmCommands"));
        document.put("runcmd", commands);
        if (!Obj.list(spec, "users").isEmpty()) {
            document.put("users", Obj.list(spec, "users"));
        }
        return "## template: jinja\n#cloud-config\n# Simulator: rendered by io.pcg.simulators, not by CABPK\n"
                + YAML.writeValueAsString(document);
    }

    /** Which kubeadm phase simulated bootstrap data runs. */
    static boolean isInit(String bootstrapData) {
        return bootstrapData.contains("kubeadm init --config");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
