package io.pcg.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Simulator: clients for workload clusters, built the way CAPI's ClusterCache builds them: from the kubeconfig in
 * the management cluster's Secret {@code <cluster>-kubeconfig} (key {@code value}). After {@code clusterctl move}
 * the moved Secret leads the target's simulators to the same workload cluster. Like CAPI's ClusterCache, it also
 * watches each workload cluster (its Nodes and {@code kube-system} Pods, what Machines and KCP read there), so a
 * node registering or a static pod changing is reconciled at once instead of on a poll, and those reads come from the
 * watches' caches. The watches select the cluster's own nodes and pods by the labels {@link Guest} puts on them,
 * since several simulated clusters may share one API server ({@link WorkloadClusters#onDemandSharing}).
 */
final class RemoteClusters implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private record Entry(KubernetesClient client, SharedIndexInformer<Node> nodes, SharedIndexInformer<Pod> pods)
            implements AutoCloseable {
        @Override
        public void close() {
            nodes.close();
            pods.close();
            client.close();
        }
    }

    private final KubernetesClient management;
    private final BiConsumer<String, String> changed;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    /**
     * @param changed called with the namespace and name of a cluster whose Nodes or {@code kube-system} Pods changed
     */
    RemoteClusters(KubernetesClient management, BiConsumer<String, String> changed) {
        this.management = management;
        this.changed = changed;
    }

    /**
     * The workload cluster's client, or null while its kubeconfig Secret does not exist. The Secret is read until a
     * client exists; a cluster's kubeconfig does not change while it lives ({@link #forget} at its deletion).
     */
    KubernetesClient get(String namespace, String clusterName) {
        Entry known = clients.get(namespace + "/" + clusterName);
        if (known != null) {
            return known.client;
        }
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
        Entry entry = clients.computeIfAbsent(key, k -> {
            Config config = Config.fromKubeconfig(kubeconfig);
            config.setRequestTimeout(10_000);
            config.setConnectionTimeout(5_000);
            KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build();
            return watch(client, namespace, clusterName);
        });
        return entry.client;
    }

    /** The cluster's Nodes as its watch has them (empty while it has no client or before the first list). */
    List<Node> nodes(String namespace, String clusterName) {
        Entry entry = entry(namespace, clusterName);
        return entry == null ? List.of() : entry.nodes.getStore().list();
    }

    /** The Node from the cluster's watch, or null. */
    Node node(String namespace, String clusterName, String nodeName) {
        Entry entry = entry(namespace, clusterName);
        return entry == null ? null : entry.nodes.getStore().getByKey(nodeName);
    }

    /** The {@code kube-system} Pod from the cluster's watch, or null. */
    Pod systemPod(String namespace, String clusterName, String podName) {
        Entry entry = entry(namespace, clusterName);
        return entry == null ? null : entry.pods.getStore().getByKey("kube-system/" + podName);
    }

    private Entry entry(String namespace, String clusterName) {
        return get(namespace, clusterName) == null ? null : clients.get(namespace + "/" + clusterName);
    }

    /**
     * Starts watching without waiting for the first list: the caller is a reconcile, and a workload API server that
     * does not answer yet must not hold it up (the informers keep trying; their first list is an event too).
     */
    private Entry watch(KubernetesClient client, String namespace, String clusterName) {
        ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata object) {
                changed.accept(namespace, clusterName);
            }

            @Override
            public void onUpdate(HasMetadata before, HasMetadata after) {
                changed.accept(namespace, clusterName);
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                changed.accept(namespace, clusterName);
            }
        };
        Map<String, String> ownLabels = Guest.clusterLabels(namespace, clusterName);
        SharedIndexInformer<Node> nodes = client.nodes().withLabels(ownLabels).runnableInformer(0);
        SharedIndexInformer<Pod> pods =
                client.pods().inNamespace("kube-system").withLabels(ownLabels).runnableInformer(0);
        for (SharedIndexInformer<? extends HasMetadata> informer : List.of(nodes, pods)) {
            informer.addEventHandler(handler);
            informer.start();
        }
        return new Entry(client, nodes, pods);
    }

    void forget(String namespace, String clusterName) {
        Entry entry = clients.remove(namespace + "/" + clusterName);
        if (entry != null) {
            entry.close();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(Entry::close);
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
