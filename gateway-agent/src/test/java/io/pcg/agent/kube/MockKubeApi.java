package io.pcg.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Kubernetes API for tests and benchmarks: the fabric8 mock server in CRUD mode, serving every version of every
 * upstream CRD under {@code ${pcg.shared.dir}/crds} (status subresources included). It answers 409 on stale
 * updates and duplicate names, runs watches and honours finalizers; it has no server-side apply, no admission and
 * no schema validation, so validate rendered manifests with {@link #schemas()}. Writes find their object through
 * an index ({@link IndexedCrudDispatcher}) rather than a scan of every stored object.
 */
public final class MockKubeApi implements AutoCloseable {

    private static volatile List<JsonNode> definitions;
    /** The mock web server logs every request through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger REQUEST_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockKubeApi(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** Starts a fresh, empty API server on a free local port. */
    public static MockKubeApi start() {
        List<CustomResourceDefinitionContext> contexts = new ArrayList<>();
        for (JsonNode definition : definitions()) {
            JsonNode spec = definition.path("spec");
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                contexts.add(new CustomResourceDefinitionContext.Builder()
                        .withName(definition.path("metadata").path("name").asText())
                        .withGroup(spec.path("group").asText())
                        .withVersion(version.path("name").asText())
                        .withKind(spec.path("names").path("kind").asText())
                        .withPlural(spec.path("names").path("plural").asText())
                        .withScope(spec.path("scope").asText())
                        .withStatusSubresource(version.path("subresources").has("status"))
                        .build());
            }
        }
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new IndexedCrudDispatcher(contexts), false);
        server.init();
        return new MockKubeApi(server);
    }

    /** The folder the upstream CRDs are read from. */
    public static Path crdDirectory() {
        String shared = System.getProperty("pcg.shared.dir");
        if (shared == null || shared.isBlank()) {
            throw new IllegalStateException("system property pcg.shared.dir is not set (surefire/failsafe set it; "
                    + "benchmarks need -Dpcg.shared.dir=/path/to/shared)");
        }
        return Path.of(shared, "crds");
    }

    /** A strict validator for every loaded CRD. */
    public static CrdSchemaValidator schemas() {
        return CrdSchemaValidator.fromDefinitions(definitions());
    }

    private static List<JsonNode> definitions() {
        List<JsonNode> loaded = definitions;
        if (loaded == null) {
            List<JsonNode> found = new ArrayList<>();
            try (Stream<Path> files = Files.walk(crdDirectory())) {
                for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    found.addAll(CrdSchemaValidator.readCustomResourceDefinitions(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CRDs under " + crdDirectory(), e);
            }
            loaded = List.copyOf(found);
            definitions = loaded;
        }
        return loaded;
    }

    /** A shared client; close() closes it. */
    public KubernetesClient client() {
        return client;
    }

    /** Another, independent client (another process's view, e.g. a restarted agent); the caller closes it. */
    public KubernetesClient newClient() {
        return server.createClient();
    }

    public String url() {
        return server.url("/");
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
