package io.pcg.agent.cluster.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pcg.agent.kube.ManifestApplier;
import java.util.ArrayList;
import java.util.List;

/** What the server stores after an apply: every rendered object, with every field, owned by the agent's manager. */
final class StoredObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredObjects() {}

    static void assertStoredAsRendered(KubernetesClient client, List<HasMetadata> rendered) {
        for (HasMetadata object : rendered) {
            HasMetadata stored = client.resource(object).get();
            String name = object.getKind() + " " + object.getMetadata().getName();
            assertThat(stored).as(name).isNotNull();
            List<String> prunedOrChanged = new ArrayList<>();
            GoldenFiles.compare(name + " $", JSON.valueToTree(object), JSON.valueToTree(stored), true, prunedOrChanged);
            assertThat(prunedOrChanged).as(name).isEmpty();
            assertThat(stored.getMetadata().getManagedFields())
                    .as(name)
                    .anySatisfy(fields -> assertThat(fields.getManager() + " " + fields.getOperation())
                            .isEqualTo(ManifestApplier.FIELD_MANAGER + " Apply"));
        }
    }
}
