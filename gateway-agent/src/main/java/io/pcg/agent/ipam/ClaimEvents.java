package io.pcg.agent.ipam;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes events on claims, so {@code kubectl describe} shows why a claim waits. Best effort. */
final class ClaimEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimEvents.class);
    private static final String COMPONENT = "pcg-ipam";

    private final KubernetesClient client;

    ClaimEvents(KubernetesClient client) {
        this.client = client;
    }

    void warning(GenericKubernetesResource claim, String reason, String message) {
        String namespace = claim.getMetadata().getNamespace();
        String now = Instant.now().toString();
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(claim.getMetadata().getName() + "."
                                    + UUID.randomUUID().toString().substring(0, 8))
                            .withNamespace(namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(claim.getApiVersion())
                            .withKind(claim.getKind())
                            .withName(claim.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(claim.getMetadata().getUid())
                            .endInvolvedObject()
                            .withType("Warning")
                            .withReason(reason)
                            .withMessage(message)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.debug(
                    "could not record event {} on claim {}/{}: {}",
                    reason,
                    namespace,
                    claim.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
