package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.pcg.common.errors.OperatorException;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes rendered objects to the management cluster with server-side apply, as field manager
 * {@value #FIELD_MANAGER}: applying the same objects again changes nothing, and a field someone else changed is a
 * conflict the caller sees instead of a silent overwrite. Field validation is strict, so the server refuses a field
 * its schema does not declare rather than dropping it.
 */
@Singleton
public final class ManifestApplier {

    public static final String FIELD_MANAGER = "pcg-agent";
    public static final String REFUSED = "KUBE_APPLY_REFUSED";

    private final ManagementCluster managementCluster;

    public ManifestApplier(ManagementCluster managementCluster) {
        this.managementCluster = managementCluster;
    }

    /** {@link #apply(KubernetesClient, List)} on the current management cluster. */
    public List<HasMetadata> apply(List<? extends HasMetadata> objects) throws OperatorException {
        return apply(managementCluster.client(), objects);
    }

    /**
     * Applies {@code objects} one after the other, in the given order, and stops at the first refusal; the objects
     * before it stay applied, so applying the whole list again finishes the job.
     *
     * @return the objects as the server stored them
     * @throws OperatorException {@value #REFUSED}, naming the object and the server's reason
     */
    public static List<HasMetadata> apply(KubernetesClient client, List<? extends HasMetadata> objects) throws OperatorException {
        List<HasMetadata> applied = new ArrayList<>();
        for (HasMetadata object : objects) {
            try {
                applied.add(client.resource(object)
                        .fieldValidation(FieldValidateable.Validation.STRICT)
                        .fieldManager(FIELD_MANAGER)
                        .serverSideApply());
            } catch (KubernetesClientException e) {
                throw new OperatorException(REFUSED, "the management cluster refused " + object.getKind() + " "
                        + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName() + " ("
                        + applied.size() + " of " + objects.size() + " objects applied before it): " + e.getMessage(),
                        "Fix the cause named above and apply again; objects already applied are left as they are.", e);
            }
        }
        return List.copyOf(applied);
    }
}
