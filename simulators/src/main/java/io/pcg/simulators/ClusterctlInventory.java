package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Simulator: what {@code clusterctl init} leaves behind for {@code clusterctl move} to read on both sides: the
 * inventory CRD {@code providers.clusterctl.cluster.x-k8s.io} (v1alpha3; fields providerName, type, version,
 * watchedNamespace; label {@code clusterctl.cluster.x-k8s.io/core: inventory}) and one {@code Provider} per
 * installed provider, named by its manifest label ({@code cluster-api}, {@code bootstrap-kubeadm}, ...) in the
 * provider's namespace, labelled {@code clusterctl.cluster.x-k8s.io}, {@code cluster.x-k8s.io/provider} and
 * {@code clusterctl.cluster.x-k8s.io/core: inventory}. Written from clusterctl's documented contract
 * (cmd/clusterctl/api/v1alpha3), not copied. The provider CRDs themselves come from the test kit's
 * {@code UpstreamCrds.install}, labelled as clusterctl labels them.
 */
public final class ClusterctlInventory {

    public static final String GROUP = "clusterctl.cluster.x-k8s.io";
    public static final String VERSION = "v1alpha3";
    public static final String CLUSTERCTL_LABEL = "clusterctl.cluster.x-k8s.io";
    public static final String CORE_LABEL = "clusterctl.cluster.x-k8s.io/core";
    public static final String PROVIDER_LABEL = "cluster.x-k8s.io/provider";
    public static final ResourceDefinitionContext PROVIDERS = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP)
            .withVersion(VERSION)
            .withKind("Provider")
            .withPlural("providers")
            .withNamespaced(true)
            .build();

    /**
     * One installed provider.
     *
     * @param providerName the provider's name ({@code cluster-api}, {@code kubeadm}, {@code vsphere}, {@code in-cluster})
     * @param type         CoreProvider, BootstrapProvider, ControlPlaneProvider, InfrastructureProvider, IPAMProvider
     * @param version      the installed release, e.g. {@code v1.13.5} (move requires target >= source)
     * @param namespace    the namespace the provider runs in
     */
    public record Provider(String providerName, String type, String version, String namespace) {
        public Provider {
            Objects.requireNonNull(providerName, "providerName");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(namespace, "namespace");
        }

        /** clusterctl's ManifestLabel: the Provider object's name and its {@code cluster.x-k8s.io/provider} label. */
        public String manifestLabel() {
            return switch (type) {
                case "BootstrapProvider" -> "bootstrap-" + providerName;
                case "ControlPlaneProvider" -> "control-plane-" + providerName;
                case "InfrastructureProvider" -> "infrastructure-" + providerName;
                case "IPAMProvider" -> "ipam-" + providerName;
                case "RuntimeExtensionProvider" -> "runtime-extension-" + providerName;
                case "AddonProvider" -> "addon-" + providerName;
                default -> providerName;
            };
        }
    }

    /** The providers of a gateway management cluster, at the releases whose CRDs the test kit installs. */
    public static final List<Provider> GATEWAY_PROVIDERS = List.of(
            new Provider("cluster-api", "CoreProvider", "v1.13.5", "capi-system"),
            new Provider("kubeadm", "BootstrapProvider", "v1.13.5", "capi-kubeadm-bootstrap-system"),
            new Provider("kubeadm", "ControlPlaneProvider", "v1.13.5", "capi-kubeadm-control-plane-system"),
            new Provider("vsphere", "InfrastructureProvider", "v1.16.1", "capv-system"),
            new Provider("in-cluster", "IPAMProvider", "v1.0.3", "caip-in-cluster-system"));

    private ClusterctlInventory() {}

    /** Installs the inventory CRD and {@link #GATEWAY_PROVIDERS}; idempotent. */
    public static void install(KubernetesClient client) {
        install(client, GATEWAY_PROVIDERS);
    }

    public static void install(KubernetesClient client, List<Provider> providers) {
        installCrd(client);
        for (Provider provider : providers) {
            addProvider(client, provider);
        }
    }

    /** The inventory CRD, as {@code clusterctl init} installs it (server-side apply; waits until established). */
    public static void installCrd(KubernetesClient client) {
        JSONSchemaProps string = new JSONSchemaPropsBuilder().withType("string").build();
        Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
        properties.put("apiVersion", string);
        properties.put("kind", string);
        properties.put(
                "metadata", new JSONSchemaPropsBuilder().withType("object").build());
        properties.put(
                "providerName",
                new JSONSchemaPropsBuilder()
                        .withType("string")
                        .withDescription("providerName indicates the name of the provider.")
                        .build());
        properties.put(
                "type",
                new JSONSchemaPropsBuilder()
                        .withType("string")
                        .withDescription("type indicates the type of the provider.")
                        .build());
        properties.put(
                "version",
                new JSONSchemaPropsBuilder()
                        .withType("string")
                        .withDescription("version indicates the component version.")
                        .build());
        properties.put(
                "watchedNamespace",
                new JSONSchemaPropsBuilder()
                        .withType("string")
                        .withDescription(
                                "watchedNamespace indicates the namespace where the provider controller is watching (deprecated).")
                        .build());
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("providers." + GROUP)
                .addToLabels(CORE_LABEL, "inventory")
                .endMetadata()
                .withNewSpec()
                .withGroup(GROUP)
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Provider")
                .withListKind("ProviderList")
                .withPlural("providers")
                .withSingular("provider")
                .withCategories("cluster-api")
                .endNames()
                .addNewVersion()
                .withName(VERSION)
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withProperties(properties)
                .withDescription("Provider defines an entry in the provider inventory.")
                .endOpenAPIV3Schema()
                .endSchema()
                .addNewAdditionalPrinterColumn()
                .withName("Type")
                .withType("string")
                .withJsonPath(".type")
                .endAdditionalPrinterColumn()
                .addNewAdditionalPrinterColumn()
                .withName("Provider")
                .withType("string")
                .withJsonPath(".providerName")
                .endAdditionalPrinterColumn()
                .addNewAdditionalPrinterColumn()
                .withName("Version")
                .withType("string")
                .withJsonPath(".version")
                .endAdditionalPrinterColumn()
                .endVersion()
                .endSpec()
                .build();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .fieldManager("pcg-simulators")
                .forceConflicts()
                .serverSideApply();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crd.getMetadata().getName())
                .waitUntilCondition(
                        c -> c != null
                                && c.getStatus() != null
                                && c.getStatus().getConditions() != null
                                && c.getStatus().getConditions().stream()
                                        .anyMatch(
                                                s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())),
                        60,
                        TimeUnit.SECONDS);
    }

    /** One Provider object (and its namespace), as {@code clusterctl init} records an installed provider. */
    public static GenericKubernetesResource addProvider(KubernetesClient client, Provider provider) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(provider.namespace())
                        .endMetadata()
                        .build())
                .fieldManager("pcg-simulators")
                .serverSideApply();
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(GROUP + "/" + VERSION);
        object.setKind("Provider");
        object.setMetadata(new ObjectMetaBuilder()
                .withName(provider.manifestLabel())
                .withNamespace(provider.namespace())
                .addToLabels(CLUSTERCTL_LABEL, "")
                .addToLabels(PROVIDER_LABEL, provider.manifestLabel())
                .addToLabels(CORE_LABEL, "inventory")
                .build());
        object.setAdditionalProperty("providerName", provider.providerName());
        object.setAdditionalProperty("type", provider.type());
        object.setAdditionalProperty("version", provider.version());
        return client.genericKubernetesResources(PROVIDERS)
                .inNamespace(provider.namespace())
                .resource(object)
                .fieldManager("pcg-simulators")
                .forceConflicts()
                .serverSideApply();
    }

    public static List<GenericKubernetesResource> providers(KubernetesClient client) {
        return client.genericKubernetesResources(PROVIDERS)
                .inAnyNamespace()
                .list()
                .getItems();
    }
}
