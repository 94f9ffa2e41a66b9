package io.pcg.agent.cluster.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.kube.ManifestApplier;
import io.pcg.common.errors.OperatorException;
import io.pcg.testkit.kube.ApiFaultProxy;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import io.pcg.testkit.logging.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults of the real API server while the gateway cluster's objects are applied: 409 and 500 answers (injected by
 * {@link ApiFaultProxy} in front of the real server) and a restart of kube-apiserver + etcd. Transient ones are
 * retried by {@link ManifestApplier} itself (the clients here have fabric8's own retries off, so the test sees only
 * the applier's), and the objects end up stored exactly as rendered; a real conflict is not retried.
 */
@ExtendWith(KubeApiServerExtension.class)
class GatewayClusterApplyFaultsIT {

    private static final Duration RETRY_FOR = Duration.ofSeconds(60);

    @Test
    void conflictsAndServerErrorsAreRetriedUntilEveryObjectIsStored(KubeApiServer server, TestNamespace namespace)
            throws Exception {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), 1, true, false));
        try (ApiFaultProxy proxy = ApiFaultProxy.start(server);
                KubernetesClient client = withoutClientRetries(proxy.config())) {
            proxy.failNext("PATCH", 3, 500, "InternalError");
            List<HasMetadata> first = ManifestApplier.apply(client, rendered, RETRY_FOR);
            assertThat(proxy.faultsServed()).isEqualTo(3);

            proxy.failNext("PATCH", 3, 409, "Conflict");
            List<HasMetadata> second = ManifestApplier.apply(client, rendered, RETRY_FOR);
            assertThat(proxy.faultsServed()).isEqualTo(6);

            assertThat(second)
                    .extracting(o -> o.getMetadata().getResourceVersion())
                    .as("the retries changed nothing twice")
                    .isEqualTo(first.stream()
                            .map(o -> o.getMetadata().getResourceVersion())
                            .toList());
            StoredObjects.assertStoredAsRendered(server.client(), rendered);
        }
    }

    @Test
    void aFieldOwnedByAnotherManagerIsRefusedAtOnce(KubeApiServer server, TestNamespace namespace) throws Exception {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), 1, true, false));
        try (ApiFaultProxy proxy = ApiFaultProxy.start(server);
                KubernetesClient client = withoutClientRetries(proxy.config())) {
            proxy.failNext("PATCH", 5, 409, "Conflict", "FieldManagerConflict");
            OperatorException refusal = catchThrowableOfType(
                    OperatorException.class, () -> ManifestApplier.apply(client, rendered, RETRY_FOR));

            assertThat(refusal.code()).isEqualTo(ManifestApplier.REFUSED);
            assertThat(refusal.getMessage())
                    .contains(rendered.get(0).getKind(), "0 of " + rendered.size() + " objects applied");
            assertThat(proxy.faultsServed()).as("not retried").isEqualTo(1);
        }
    }

    @Test
    void aServerThatKeepsFailingGivesUpAfterTheRetryTimeWithAHint(KubeApiServer server, TestNamespace namespace)
            throws Exception {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), 1, true, false));
        try (ApiFaultProxy proxy = ApiFaultProxy.start(server);
                KubernetesClient client = withoutClientRetries(proxy.config())) {
            proxy.failNext("PATCH", Integer.MAX_VALUE, 503, "ServiceUnavailable");
            OperatorException gaveUp = catchThrowableOfType(
                    OperatorException.class, () -> ManifestApplier.apply(client, rendered, Duration.ofSeconds(2)));

            assertThat(gaveUp.code()).isEqualTo(ManifestApplier.UNAVAILABLE);
            assertThat(gaveUp.getMessage()).contains(rendered.get(0).getKind(), "attempts over 2 s");
            assertThat(gaveUp.hint()).contains("API server");
            assertThat(proxy.faultsServed()).as("retried").isGreaterThan(1);
            assertThat(server.client().resource(rendered.get(0)).get())
                    .as("nothing applied")
                    .isNull();
        }
    }

    @Test
    void anApiServerRestartDuringTheApplyIsWaitedOut(KubeApiServer server, TestNamespace namespace) throws Exception {
        List<HasMetadata> rendered =
                GatewayClusterManifest.render(GatewayClusterSpecs.spec(namespace.name(), 3, true, true));
        KubeConfig settings = new KubeConfig(server.kubeconfig(), Duration.ofSeconds(5), 8, RETRY_FOR);
        try (LogCapture logs = LogCapture.capture();
                ManagementCluster cluster = new ManagementCluster(settings)) {
            server.stop();
            CompletableFuture<List<HasMetadata>> applying = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ManifestApplier(cluster).apply(rendered);
                } catch (OperatorException e) {
                    throw new CompletionException(e);
                }
            });
            try {
                await("the applier failed while the server was down and waits to retry")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> logs.all()
                                .contains("applying " + rendered.get(0).getKind()));
            } finally {
                server.restart();
            }
            assertThat(applying.get(90, TimeUnit.SECONDS)).hasSameSizeAs(rendered);
        }
        StoredObjects.assertStoredAsRendered(server.client(), rendered);
    }

    private static KubernetesClient withoutClientRetries(Config config) {
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
