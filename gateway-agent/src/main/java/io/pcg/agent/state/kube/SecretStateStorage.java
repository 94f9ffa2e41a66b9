package io.pcg.agent.state.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.state.StateStorage;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * State in one Secret of the management cluster, a key per name. A write merge-patches its own key only, so writers
 * of different names never conflict and no write loses another's; {@link #writeAll} sets several keys in one request,
 * which is how the state moves in at the pivot: all of it or none.
 */
public final class SecretStateStorage implements StateStorage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LABELS =
            Map.of("app.kubernetes.io/name", "pcg-agent", "app.kubernetes.io/part-of", "pcg");

    private final ManagementCluster cluster;
    private final String namespace;
    private final String secretName;

    public SecretStateStorage(ManagementCluster cluster, String namespace, String secretName) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.secretName = secretName;
    }

    @Override
    public Optional<byte[]> read(String name) throws IOException {
        Secret secret;
        try {
            secret = secret().get();
        } catch (KubernetesClientException e) {
            throw failed("read", e);
        }
        return Optional.ofNullable(secret)
                .map(Secret::getData)
                .map(data -> data.get(key(name)))
                .map(Base64.getDecoder()::decode);
    }

    @Override
    public void write(String name, byte[] content) throws IOException {
        writeAll(Map.of(name, content));
    }

    /** Sets every name of {@code contents} in one request, creating the Secret if it is not there yet. */
    public void writeAll(Map<String, byte[]> contents) throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        contents.forEach(
                (name, content) -> data.put(key(name), Base64.getEncoder().encodeToString(content)));
        try {
            try {
                secret().patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(data));
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw e;
                }
                create(data);
            }
        } catch (KubernetesClientException e) {
            throw failed("write", e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        delete(List.of(name));
    }

    /** Removes the names from the Secret; a name that is not there is fine. */
    public void delete(Iterable<String> names) throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        names.forEach(name -> data.put(key(name), null));
        try {
            secret().patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(data));
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw failed("write", e);
            }
        }
    }

    @Override
    public String describe(String name) {
        return "key " + key(name) + " of Secret " + namespace + "/" + secretName;
    }

    private void create(Map<String, String> data) {
        try {
            cluster.client()
                    .secrets()
                    .inNamespace(namespace)
                    .resource(new SecretBuilder()
                            .withNewMetadata()
                            .withName(secretName)
                            .withNamespace(namespace)
                            .withLabels(LABELS)
                            .endMetadata()
                            .withType("Opaque")
                            .withData(data)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            // Another writer created it in between: set the keys on the Secret it made.
            secret().patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(data));
        }
    }

    private static String mergePatch(Map<String, String> data) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode patchData = patch.putObject("data");
        // A null value removes the key (RFC 7386).
        data.forEach(patchData::put);
        return patch.toString();
    }

    private Resource<Secret> secret() {
        return cluster.client().secrets().inNamespace(namespace).withName(secretName);
    }

    private IOException failed(String what, KubernetesClientException e) {
        // The API server's message names the object and the reason, never the Secret's data.
        return new IOException(
                "cannot " + what + " Secret " + namespace + "/" + secretName + " in the management cluster: "
                        + e.getMessage(),
                e);
    }

    /** A Secret key has no '/': a folder becomes a prefix with a dot ({@code keys/account.key}: keys.account.key). */
    static String key(String name) {
        return name.replace('/', '.');
    }
}
