package io.pcg.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Simulator: clients for workload clusters, built the way CAPI's ClusterCache builds them: from the kubeconfig in
 * the management cluster's Secret {@code <cluster>-kubeconfig} (key {@code value}). After {@code clusterctl move}
 * the moved Secret leads the target's simulators to the same workload cluster.
 */
final class RemoteClusters implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private record Entry(String kubeconfig, KubernetesClient client) {}

    private final KubernetesClient management;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    RemoteClusters(KubernetesClient management) {
        this.management = management;
    }

    /** The workload cluster's client, or null while its kubeconfig Secret does not exist. */
    KubernetesClient get(String namespace, String clusterName) {
        Secret secret = management
                .secrets()
                .inNamespace(namespace)
                .withName(clusterName + "-kubeconfig")
                .get();
        if (secret == null || secret.getData() == null || secret.getData().get("value") == null) {
            return null;
        }
        String kubeconfig =
                new String(Base64.getDecoder().decode(secret.getData().get("value")), StandardCharsets.UTF_8);
        String key = namespace + "/" + clusterName;
        Entry entry = clients.compute(key, (k, existing) -> {
            if (existing != null && existing.kubeconfig.equals(kubeconfig)) {
                return existing;
            }
            if (existing != null) {
                existing.client.close();
            }
            Config config = Config.fromKubeconfig(kubeconfig);
            config.setRequestTimeout(10_000);
            config.setConnectionTimeout(5_000);
            return new Entry(
                    kubeconfig, new KubernetesClientBuilder().withConfig(config).build());
        });
        return entry.client;
    }

    void forget(String namespace, String clusterName) {
        Entry entry = clients.remove(namespace + "/" + clusterName);
        if (entry != null) {
            entry.client.close();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(entry -> entry.client.close());
        clients.clear();
    }

    /**
     * A kubeconfig for {@code clusterName} named as CAPI names it (cluster {@code <name>}, user {@code <name>-admin},
     * context {@code <name>-admin@<name>}), pointing at the workload API server with that server's credentials.
     */
    static String capiKubeconfig(Path serverKubeconfig, String clusterName) {
        try {
            JsonNode source = YAML.readTree(Files.readString(serverKubeconfig));
            JsonNode cluster = source.path("clusters").path(0).path("cluster");
            JsonNode user = source.path("users").path(0).path("user");
            ObjectNode out = YAML.createObjectNode();
            out.put("apiVersion", "v1");
            out.put("kind", "Config");
            ArrayNode clusters = out.putArray("clusters");
            ObjectNode namedCluster = clusters.addObject();
            namedCluster.put("name", clusterName);
            namedCluster.set("cluster", cluster.deepCopy());
            ArrayNode contexts = out.putArray("contexts");
            ObjectNode context = contexts.addObject();
            context.put("name", clusterName + "-admin@" + clusterName);
            ObjectNode contextBody = context.putObject("context");
            contextBody.put("cluster", clusterName);
            contextBody.put("user", clusterName + "-admin");
            out.put("current-context", clusterName + "-admin@" + clusterName);
            out.putObject("preferences");
            ArrayNode users = out.putArray("users");
            ObjectNode namedUser = users.addObject();
            namedUser.put("name", clusterName + "-admin");
            namedUser.set("user", user.deepCopy());
            return YAML.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the workload cluster's kubeconfig " + serverKubeconfig, e);
        }
    }
}
