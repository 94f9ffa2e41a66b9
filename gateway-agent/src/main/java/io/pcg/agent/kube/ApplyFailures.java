package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/** Which failures of a server-side apply a moment may cure, so that {@link ManifestApplier} tries again. */
final class ApplyFailures {

    /** The reason of a cause naming a field that another field manager owns: a real conflict, never retried. */
    static final String FIELD_MANAGER_CONFLICT = "FieldManagerConflict";
    /**
     * What kube-apiserver says when a server-side apply does not fit the schema (e.g. a field strict validation
     * refuses): it answers 500 for it, although trying again cannot help.
     */
    static final String TYPED_PATCH_ERROR = "failed to create typed patch object";

    private ApplyFailures() {}

    static boolean isTransient(KubernetesClientException e) {
        Status status = e.getStatus();
        List<String> causes = status == null
                        || status.getDetails() == null
                        || status.getDetails().getCauses() == null
                ? List.of()
                : status.getDetails().getCauses().stream()
                        .map(StatusCause::getReason)
                        .toList();
        return isTransient(e.getCode(), e.getMessage(), causes);
    }

    /**
     * @param code         the HTTP status; 0 or below when no answer came (connection refused or reset, timeout)
     * @param message      the server's message
     * @param causeReasons the reasons of the status' causes
     * @return true for no answer, 429, a 409 that is not a field owned by another manager (a concurrent write
     * of the same object), and a 5xx that is not a schema refusal
     */
    static boolean isTransient(int code, String message, List<String> causeReasons) {
        if (code <= 0 || code == 429) {
            return true;
        }
        if (code == 409) {
            return !causeReasons.contains(FIELD_MANAGER_CONFLICT);
        }
        return code >= 500 && (message == null || !message.contains(TYPED_PATCH_ERROR));
    }
}
