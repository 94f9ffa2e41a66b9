package io.pcg.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The upstream Cluster API, CAPV and in-cluster IPAM CustomResourceDefinitions this project targets, kept unchanged
 * in {@code testkit/src/main/resources/crds} (see its SOURCES.md), and their installation into a test API server the
 * way {@code clusterctl init} labels them, so that {@code clusterctl move} and CAPI-aware readers find them.
 */
public final class UpstreamCrds {

    /** The field manager of every object the test kit applies. */
    public static final String FIELD_MANAGER = "pcg-testkit";
    /** Label that makes clusterctl treat a CRD as part of a provider (clusterctl move scans only these). */
    public static final String CLUSTERCTL_LABEL = "clusterctl.cluster.x-k8s.io";

    public static final String PROVIDER_LABEL = "cluster.x-k8s.io/provider";
    /** The oldest minor version that serves every version of these CRDs, CEL rules and empty-string defaults. */
    private static final int FIRST_FULL_MINOR = 25;
    /** How long after a CRD is established kube-apiserver holds back creates of its kind. */
    private static final Duration CREATE_HOLD = Duration.ofSeconds(2);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static volatile List<JsonNode> definitions;

    private UpstreamCrds() {}

    /** Every CustomResourceDefinition document, as published upstream. */
    public static List<JsonNode> definitions() {
        List<JsonNode> loaded = definitions;
        if (loaded == null) {
            List<JsonNode> found = new ArrayList<>();
            for (String file : index()) {
                try (InputStream in = resource(file)) {
                    Iterator<JsonNode> documents =
                            YAML.readerFor(JsonNode.class).readValues(in);
                    while (documents.hasNext()) {
                        JsonNode document = documents.next();
                        if (document != null
                                && "CustomResourceDefinition"
                                        .equals(document.path("kind").asText())) {
                            found.add(document);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read crds/" + file, e);
                }
            }
            loaded = List.copyOf(found);
            definitions = loaded;
        }
        return loaded;
    }

    /**
     * Installs every definition into the cluster behind {@code client} with server-side apply and waits until each is
     * established. On a server older than 1.25 each CRD is first reduced to what that server accepts: its storage
     * version only and no empty-string defaults (CEL rules are then not enforced; strict schema validation of
     * rendered manifests still catches what they would).
     */
    public static void install(KubernetesClient client) {
        int minor = serverMinor(client);
        List<CustomResourceDefinition> installed = new ArrayList<>();
        for (JsonNode definition : definitions()) {
            CustomResourceDefinition crd = client.getKubernetesSerialization()
                    .convertValue(prepared(definition, minor), CustomResourceDefinition.class);
            installed.add(client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(crd)
                    .fieldManager(FIELD_MANAGER)
                    .forceConflicts()
                    .serverSideApply());
        }
        for (CustomResourceDefinition crd : installed) {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(crd.getMetadata().getName())
                    .waitUntilCondition(UpstreamCrds::established, 60, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until the API server no longer holds back creates of the installed kinds. For two seconds after a CRD's
     * Established condition turns true (its time, in whole seconds), kube-apiserver sleeps two seconds in every
     * {@code create} of that kind, so that in a highly available control plane no other API server answers "not
     * found" right after (apiextensions-apiserver's custom resource handler). A real {@code clusterctl init} returns
     * long after that, once its providers' controllers run; a simulated one that returned at once would let its
     * caller meet a state no real management cluster shows.
     */
    public static void awaitCreatesServed(KubernetesClient client) {
        Instant servedFrom = createsServedFrom(client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withLabel(CLUSTERCTL_LABEL)
                .list()
                .getItems());
        Duration left = Duration.between(Instant.now(), servedFrom);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        try {
            Thread.sleep(left.toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the API server held back creates of new kinds", e);
        }
    }

    /** When the server stops holding back creates of every kind in {@code crds}; the epoch if none is established. */
    static Instant createsServedFrom(List<CustomResourceDefinition> crds) {
        Instant servedFrom = Instant.EPOCH;
        for (CustomResourceDefinition crd : crds) {
            Instant established = establishedAt(crd);
            if (established != null && established.plus(CREATE_HOLD).isAfter(servedFrom)) {
                servedFrom = established.plus(CREATE_HOLD);
            }
        }
        return servedFrom;
    }

    private static Instant establishedAt(CustomResourceDefinition crd) {
        return establishedCondition(crd)
                .map(CustomResourceDefinitionCondition::getLastTransitionTime)
                .map(Instant::parse)
                .orElse(null);
    }

    /** The provider a CRD belongs to, as {@code clusterctl init} names it in {@value #PROVIDER_LABEL}. */
    static String provider(JsonNode definition) {
        String group = definition.path("spec").path("group").asText();
        String kind = definition.path("spec").path("names").path("kind").asText();
        return switch (group) {
            case "bootstrap.cluster.x-k8s.io" -> "bootstrap-kubeadm";
            case "controlplane.cluster.x-k8s.io" -> "control-plane-kubeadm";
            case "infrastructure.cluster.x-k8s.io" -> "infrastructure-vsphere";
            case "ipam.cluster.x-k8s.io" -> kind.endsWith("InClusterIPPool") ? "ipam-in-cluster" : "cluster-api";
            default -> "cluster-api";
        };
    }

    /** A copy of {@code definition} labelled as clusterctl does and reduced to what a server of that minor accepts. */
    static ObjectNode prepared(JsonNode definition, int serverMinor) {
        ObjectNode prepared = labelled(definition.deepCopy());
        if (serverMinor < FIRST_FULL_MINOR) {
            reduceForOldServer(prepared);
        }
        return prepared;
    }

    private static ObjectNode labelled(ObjectNode definition) {
        ObjectNode labels = ((ObjectNode) definition.with("metadata")).with("labels");
        labels.put(CLUSTERCTL_LABEL, "");
        labels.put(PROVIDER_LABEL, provider(definition));
        // the contract label CAPI reads to pick the version of a referenced provider kind (internal/contract)
        for (JsonNode version : definition.path("spec").path("versions")) {
            if (version.path("storage").asBoolean()
                    && "v1beta2".equals(version.path("name").asText())) {
                labels.put("cluster.x-k8s.io/v1beta2", "v1beta2");
            }
        }
        return definition;
    }

    private static void reduceForOldServer(ObjectNode definition) {
        ArrayNode versions = (ArrayNode) definition.path("spec").path("versions");
        for (Iterator<JsonNode> it = versions.elements(); it.hasNext(); ) {
            if (!it.next().path("storage").asBoolean()) {
                it.remove();
            }
        }
        ((ObjectNode) definition.path("spec")).remove("conversion");
        removeEmptyStringDefaults(definition);
    }

    private static void removeEmptyStringDefaults(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode value = object.get("default");
            if (value != null && value.isTextual() && value.asText().isEmpty()) {
                object.remove("default");
            }
            object.elements().forEachRemaining(UpstreamCrds::removeEmptyStringDefaults);
        } else if (node instanceof ArrayNode array) {
            array.forEach(UpstreamCrds::removeEmptyStringDefaults);
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return establishedCondition(crd).isPresent();
    }

    /** The CRD's Established condition while it is true. */
    private static Optional<CustomResourceDefinitionCondition> establishedCondition(CustomResourceDefinition crd) {
        if (crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return crd.getStatus().getConditions().stream()
                .filter(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static int serverMinor(KubernetesClient client) {
        String minor = client.getKubernetesVersion().getMinor().replaceAll("[^0-9]", "");
        return Integer.parseInt(minor);
    }

    /** The YAML files under crds/, listed in crds/INDEX (a classpath folder cannot be listed inside a jar). */
    static List<String> index() {
        try (InputStream in = resource("INDEX");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read crds/INDEX", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = UpstreamCrds.class.getClassLoader().getResourceAsStream("crds/" + name);
        if (in == null) {
            throw new IllegalStateException("crds/" + name + " is not on the classpath (testkit's resources)");
        }
        return in;
    }
}
