package io.pcg.testkit.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Kubernetes API server ({@link KubeApiServer}) with the upstream CRDs installed. The server is
 * started once per JVM, on first use, and stopped when the JVM's test run ends (or with the JVM, however it ends).
 *
 * <p>Test methods (and constructors, {@code @BeforeEach}/{@code @AfterEach} methods) declare what they need:
 * <ul>
 *   <li>{@link KubeApiServer}: the server, for kubeconfigs and independent clients;</li>
 *   <li>{@link KubernetesClient}: the server's shared admin client;</li>
 *   <li>{@link TestNamespace}: a fresh namespace for the current test, deleted after it.</li>
 * </ul>
 * <pre>{@code
 * @ExtendWith(KubeApiServerExtension.class)
 * class SomeIT {
 *     @Test void works(KubernetesClient client, TestNamespace namespace) { ... }
 * }
 * }</pre>
 */
public final class KubeApiServerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(KubeApiServerExtension.class);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubeApiServer.class || type == KubernetesClient.class || type == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        KubeApiServer server = server(context);
        if (type == KubeApiServer.class) {
            return server;
        }
        if (type == KubernetesClient.class) {
            return server.client();
        }
        if (type == TestNamespace.class) {
            return context.getStore(STORE)
                    .getOrComputeIfAbsent(
                            TestNamespace.class,
                            key -> new CreatedNamespace(server.client(), namespaceName(context)),
                            CreatedNamespace.class)
                    .namespace;
        }
        throw new ParameterResolutionException("unsupported parameter " + parameter.getParameter());
    }

    /** The JVM-wide server, started with the upstream CRDs on first use. */
    public static KubeApiServer server(ExtensionContext context) {
        return context.getRoot()
                .getStore(STORE)
                .getOrComputeIfAbsent(
                        KubeApiServer.class,
                        key -> {
                            KubeApiServer server = KubeApiServer.start();
                            UpstreamCrds.install(server.client());
                            return server;
                        },
                        KubeApiServer.class);
    }

    /** "t3-allocates-one-address": readable in server logs, unique in the JVM, a valid DNS label. */
    static String namespaceName(ExtensionContext context) {
        String test = context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName());
        String label = test.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-");
        String name = ("t" + NAMESPACES.incrementAndGet() + "-" + label);
        name = name.length() > 63 ? name.substring(0, 63) : name;
        return name.replaceAll("-+$", "");
    }

    /** Closed by JUnit when the test's store closes: the namespace goes (objects in it stay until then). */
    private static final class CreatedNamespace implements AutoCloseable {
        private final KubernetesClient client;
        private final TestNamespace namespace;

        CreatedNamespace(KubernetesClient client, String name) {
            this.client = client;
            this.namespace = new TestNamespace(name);
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .build())
                    .create();
        }

        @Override
        public void close() {
            client.namespaces().withName(namespace.name()).delete();
        }
    }
}
