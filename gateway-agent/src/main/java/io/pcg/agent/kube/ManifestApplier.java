package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.pcg.agent.link.Backoff;
import io.pcg.common.errors.OperatorException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rendered objects to the management cluster with server-side apply, as field manager
 * {@value #FIELD_MANAGER}: applying the same objects again changes nothing, and a field someone else changed is a
 * conflict the caller sees instead of a silent overwrite. Field validation is strict, so the server refuses a field
 * its schema does not declare rather than dropping it.
 *
 * <p>A failure a moment may cure (no answer, e.g. the API server restarting; 429; 5xx; a 409 from a concurrent
 * write) is retried with exponential backoff and full jitter for up to {@code pcg.agent.kube.apply-retry-for}, so a
 * short outage does not fail a provisioning step. Applying again is safe: server-side apply is idempotent.
 */
@Singleton
public final class ManifestApplier {

    public static final String FIELD_MANAGER = "pcg-agent";
    public static final String REFUSED = "KUBE_APPLY_REFUSED";
    public static final String UNAVAILABLE = "KUBE_APPLY_UNAVAILABLE";

    private static final Logger LOG = LoggerFactory.getLogger(ManifestApplier.class);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final ManagementCluster managementCluster;

    public ManifestApplier(ManagementCluster managementCluster) {
        this.managementCluster = managementCluster;
    }

    /** {@link #apply(KubernetesClient, List, Duration)} on the current management cluster. */
    public List<HasMetadata> apply(List<? extends HasMetadata> objects) throws OperatorException {
        return apply(
                managementCluster.client(),
                objects,
                managementCluster.settings().applyRetryFor());
    }

    /** {@link #apply(KubernetesClient, List, Duration)} with the default retry time. */
    public static List<HasMetadata> apply(KubernetesClient client, List<? extends HasMetadata> objects)
            throws OperatorException {
        return apply(client, objects, KubeConfig.defaultApplyRetryFor());
    }

    /**
     * Applies {@code objects} one after the other, in the given order, and stops at the first refusal; the objects
     * before it stay applied, so applying the whole list again finishes the job.
     *
     * @param retryFor how long one object's transient failures are retried before the apply gives up
     * @return the objects as the server stored them
     * @throws OperatorException {@value #REFUSED}, naming the object and the server's reason; {@value #UNAVAILABLE}
     *                           when the server still failed after {@code retryFor}
     */
    public static List<HasMetadata> apply(
            KubernetesClient client, List<? extends HasMetadata> objects, Duration retryFor) throws OperatorException {
        List<HasMetadata> applied = new ArrayList<>();
        for (HasMetadata object : objects) {
            applied.add(applyOne(client, object, retryFor, applied.size(), objects.size()));
        }
        return List.copyOf(applied);
    }

    private static HasMetadata applyOne(
            KubernetesClient client, HasMetadata object, Duration retryFor, int before, int total)
            throws OperatorException {
        long deadline = System.nanoTime() + retryFor.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                return client.resource(object)
                        .fieldValidation(FieldValidateable.Validation.STRICT)
                        .fieldManager(FIELD_MANAGER)
                        .serverSideApply();
            } catch (KubernetesClientException e) {
                String what = object.getKind() + " " + object.getMetadata().getNamespace() + "/"
                        + object.getMetadata().getName() + " (" + before + " of " + total
                        + " objects applied before it)";
                if (!ApplyFailures.isTransient(e)) {
                    throw new OperatorException(
                            REFUSED,
                            "the management cluster refused " + what + ": " + e.getMessage(),
                            "Fix the cause named above and apply again; objects already applied are left as they are.",
                            e);
                }
                Duration delay =
                        BACKOFF.delay(attempt, ThreadLocalRandom.current().nextDouble());
                if (System.nanoTime() + delay.toNanos() - deadline > 0) {
                    throw new OperatorException(
                            UNAVAILABLE,
                            "the management cluster still failed to apply " + what + " after " + (attempt + 1)
                                    + " attempts over " + retryFor.toSeconds() + " s: " + e.getMessage(),
                            "Check that the management cluster's API server runs and is reachable; the apply is retried"
                                    + " on the next reconcile, and objects already applied are left as they are.",
                            e);
                }
                LOG.warn(
                        "applying {} failed ({}: {}); retry {} in {} ms",
                        what,
                        e.getCode(),
                        e.getMessage(),
                        attempt + 1,
                        delay.toMillis());
                sleep(delay, what, e);
            }
        }
    }

    private static void sleep(Duration delay, String what, KubernetesClientException cause) throws OperatorException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new OperatorException(
                    UNAVAILABLE,
                    "interrupted while waiting to apply " + what + " again: " + cause.getMessage(),
                    "The agent is stopping; the apply is retried when it runs again.",
                    cause);
        }
    }
}
