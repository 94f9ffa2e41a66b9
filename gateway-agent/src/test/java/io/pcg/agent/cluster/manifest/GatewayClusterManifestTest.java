package io.pcg.agent.cluster.manifest;

import static io.pcg.agent.cluster.manifest.GatewayClusterSpecs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec.NodeSize;
import io.pcg.agent.kube.CrdSchemaValidator;
import io.pcg.agent.kube.Fields;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.proxy.ProxyUrl;
import io.pcg.testkit.kube.UpstreamCrds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered gateway cluster: golden files (see {@link GoldenFiles} to update them), strict schema validation, the
 * proxy password kept in its Secret, NO_PROXY and the kube-vip manifest.
 */
class GatewayClusterManifestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static CrdSchemaValidator schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = CrdSchemaValidator.fromDefinitions(UpstreamCrds.definitions());
    }

    static Stream<Arguments> clusters() {
        return Stream.of(
                arguments("one-node-static", spec(null, 1, true, false)),
                arguments("three-nodes-static-proxy", spec(null, 3, true, true)),
                arguments("one-node-dhcp-proxy", spec(null, 1, false, true)),
                arguments("three-nodes-dhcp", spec(null, 3, false, false)));
    }

    static Stream<Arguments> proxiedClusters() {
        return clusters().filter(cluster -> ((GatewayClusterSpec) cluster.get()[1]).usesProxy());
    }

    static Stream<Arguments> directClusters() {
        return clusters().filter(cluster -> !((GatewayClusterSpec) cluster.get()[1]).usesProxy());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void rendersWhatTheGoldenFileHolds(String name, GatewayClusterSpec spec) throws OperatorException {
        GoldenFiles.assertMatches("cluster-manifest/" + name + ".yaml", GatewayClusterManifest.render(spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void everyObjectMatchesItsSchemaAndIsLabelledWithTheCluster(String name, GatewayClusterSpec spec)
            throws OperatorException {
        for (HasMetadata object : GatewayClusterManifest.render(spec)) {
            assertThat(object.getMetadata().getNamespace()).isEqualTo("pcg-system");
            assertThat(object.getMetadata().getLabels()).containsEntry("cluster.x-k8s.io/cluster-name", "pcg-gateway");
            if (object instanceof Secret secret) {
                assertValidSecret(secret);
            } else {
                assertThat(schemas.knows(object.getApiVersion(), object.getKind()))
                        .as(object.getKind())
                        .isTrue();
                assertThat(schemas.validate(object)).as(object.getKind()).isEmpty();
            }
        }
    }

    /** Core kinds have no CRD: the fabric8 model takes the place of the schema (anything it does not know is extra). */
    private static void assertValidSecret(Secret secret) {
        Secret parsed = KUBERNETES.convertValue(JSON.valueToTree(secret), Secret.class);
        assertThat(parsed.getAdditionalProperties()).isEmpty();
        assertThat(parsed.getMetadata().getAdditionalProperties()).isEmpty();
        assertThat(parsed.getType()).isEqualTo("Opaque");
        assertThat(parsed.getData()).isNotEmpty().allSatisfy((key, value) -> {
            assertThat(key).matches("[-._a-zA-Z0-9]+");
            assertThat(Base64.getDecoder().decode(value)).isNotEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void objectsComeInDependencyOrderWithTheirNames(String name, GatewayClusterSpec spec) throws OperatorException {
        List<String> expected = spec.usesProxy()
                ? List.of(
                        "Secret pcg-gateway-vsphere-credentials",
                        "Secret pcg-gateway-proxy",
                        "VSphereMachineTemplate",
                        "VSphereCluster pcg-gateway",
                        "KubeadmControlPlane pcg-gateway",
                        "Cluster pcg-gateway",
                        "MachineHealthCheck pcg-gateway-control-plane")
                : List.of(
                        "Secret pcg-gateway-vsphere-credentials",
                        "VSphereMachineTemplate",
                        "VSphereCluster pcg-gateway",
                        "KubeadmControlPlane pcg-gateway",
                        "Cluster pcg-gateway",
                        "MachineHealthCheck pcg-gateway-control-plane");
        List<HasMetadata> objects = GatewayClusterManifest.render(spec);
        assertThat(objects)
                .extracting(o -> o.getKind() + " " + o.getMetadata().getName())
                .zipSatisfy(expected, (actual, wanted) -> assertThat(actual).startsWith(wanted));
        assertThat(objects).hasSameSizeAs(expected);
        GenericKubernetesResource template = object(objects, "VSphereMachineTemplate");
        assertThat(template.getMetadata().getName()).matches("pcg-gateway-control-plane-[0-9a-f]{10}");
        assertThat(Fields.text(
                        object(objects, "KubeadmControlPlane"),
                        "spec",
                        "machineTemplate",
                        "spec",
                        "infrastructureRef",
                        "name"))
                .isEqualTo(template.getMetadata().getName());
        assertThat(Fields.text(object(objects, "VSphereCluster"), "spec", "identityRef", "name"))
                .isEqualTo("pcg-gateway-vsphere-credentials");
    }

    /** The product guide's degraded-node scenarios, on the control plane's machines, moved along with the Cluster. */
    @Test
    void theControlPlaneIsHealthCheckedWithTheProductGuidesThresholds() throws OperatorException {
        GenericKubernetesResource check = object(
                GatewayClusterManifest.render(GatewayClusterSpecs.builder().build()), "MachineHealthCheck");
        JsonNode spec = JSON.valueToTree(check).path("spec");
        assertThat(spec.path("clusterName").asText()).isEqualTo("pcg-gateway");
        assertThat(spec.path("selector")
                        .path("matchLabels")
                        .path("cluster.x-k8s.io/control-plane")
                        .isTextual())
                .isTrue();
        assertThat(spec.path("checks").path("nodeStartupTimeoutSeconds").asInt())
                .isEqualTo(30 * 60);
        assertThat(spec.path("checks").path("unhealthyNodeConditions"))
                .extracting(JsonNode::toString)
                .containsExactly(
                        "{\"type\":\"Ready\",\"status\":\"Unknown\",\"timeoutSeconds\":600}",
                        "{\"type\":\"NetworkUnavailable\",\"status\":\"True\",\"timeoutSeconds\":600}");
        assertThat(check.getMetadata().getLabels()).containsEntry("clusterctl.cluster.x-k8s.io/move", "");
    }

    @Test
    void aNewNodeSizeIsANewMachineTemplateButMoreNodesAreNot() throws OperatorException {
        GatewayClusterSpecs.Builder builder = GatewayClusterSpecs.builder();
        String oneNode = templateName(builder.build());
        builder.replicas = 3;
        assertThat(templateName(builder.build())).isEqualTo(oneNode);
        builder.nodeSize = new NodeSize(4, 8192, 60);
        assertThat(templateName(builder.build())).isNotEqualTo(oneNode);
    }

    private static String templateName(GatewayClusterSpec spec) throws OperatorException {
        return object(GatewayClusterManifest.render(spec), "VSphereMachineTemplate")
                .getMetadata()
                .getName();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proxiedClusters")
    void theProxyPasswordIsOnlyInTheProxySecret(String name, GatewayClusterSpec spec) throws OperatorException {
        List<HasMetadata> objects = GatewayClusterManifest.render(spec);
        for (HasMetadata object : objects) {
            String text = JSON.valueToTree(object).toString() + decodedSecretData(object);
            boolean proxySecret =
                    object instanceof Secret && object.getMetadata().getName().equals("pcg-gateway-proxy");
            assertThat(text.contains(GatewayClusterSpecs.PROXY_PASSWORD_IN_URL))
                    .as(object.getKind())
                    .isEqualTo(proxySecret);
            assertThat(text).as(object.getKind()).doesNotContain(GatewayClusterSpecs.PROXY_PASSWORD);
        }
        assertThat(JSON.valueToTree(object(objects, "KubeadmControlPlane")).toString())
                .doesNotContain(GatewayClusterSpecs.PROXY_HOST);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proxiedClusters")
    void everyNodeGetsTheProxyFromTheSecretBeforeKubeadmRuns(String name, GatewayClusterSpec spec)
            throws OperatorException {
        List<HasMetadata> objects = GatewayClusterManifest.render(spec);
        JsonNode kubeadm = JSON.valueToTree(object(objects, "KubeadmControlPlane"))
                .path("spec")
                .path("kubeadmConfigSpec");
        Map<String, JsonNode> files = new LinkedHashMap<>();
        kubeadm.path("files").forEach(file -> files.put(file.path("path").asText(), file));
        for (String path : List.of(
                "/etc/systemd/system/containerd.service.d/http-proxy.conf",
                "/etc/systemd/system/kubelet.service.d/http-proxy.conf",
                "/etc/environment")) {
            JsonNode file = files.get(path);
            assertThat(file).as(path).isNotNull();
            assertThat(file.has("content")).as(path).isFalse();
            assertThat(file.path("contentFrom").path("secret").path("name").asText())
                    .isEqualTo("pcg-gateway-proxy");
            assertThat(file.path("permissions").asText()).isEqualTo("0600");
        }
        assertThat(files.get("/etc/environment").path("append").asBoolean()).isTrue();
        assertThat(kubeadm.path("preKubeadmCommands"))
                .extracting(JsonNode::asText)
                .startsWith("systemctl daemon-reload", "systemctl restart containerd");

        Map<String, String> data = decoded((Secret) objects.get(1));
        String dropIn = data.get("http-proxy.conf");
        assertThat(dropIn)
                .startsWith("[Service]\n")
                // systemd would read a single % as a specifier
                .contains("Environment=\"HTTPS_PROXY=http://gateway:Px%%259%%20q%%22w%%40rd@proxy.example.com:3128\"");
        String environment = data.get("environment");
        String httpsProxy = variable(environment, "HTTPS_PROXY");
        ProxyUrl parsed = ProxyUrl.parse(httpsProxy);
        assertThat(parsed.password().reveal()).isEqualTo(GatewayClusterSpecs.PROXY_PASSWORD);
        assertThat(parsed.username()).isEqualTo(GatewayClusterSpecs.PROXY_USER);
        assertThat(variable(environment, "http_proxy"))
                .isEqualTo(variable(environment, "HTTP_PROXY"))
                .isEqualTo(httpsProxy);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("proxiedClusters")
    void noProxyHoldsTheOperatorEntriesAndEveryNetworkTheNodesReachDirectly(String name, GatewayClusterSpec spec)
            throws OperatorException {
        Map<String, String> data =
                decoded((Secret) GatewayClusterManifest.render(spec).get(1));
        String noProxy = variable(data.get("environment"), "NO_PROXY");
        String nodeNetwork = spec.addressing().nodeNetwork().toString();
        assertThat(Arrays.asList(noProxy.split(",")))
                .doesNotHaveDuplicates()
                .containsAll(GatewayClusterSpecs.OPERATOR_NO_PROXY)
                .contains(
                        "vcenter.example.com",
                        spec.controlPlaneVip().toString(),
                        "192.168.0.0/16",
                        "10.96.0.0/12",
                        nodeNetwork,
                        "localhost",
                        "127.0.0.1",
                        ".svc",
                        ".cluster.local");
        assertThat(nodeNetwork).isEqualTo(name.contains("static") ? "10.10.183.0/24" : "10.20.0.0/22");
        assertThat(variable(data.get("environment"), "no_proxy")).isEqualTo(noProxy);
        assertThat(data.get("http-proxy.conf")).contains("Environment=\"NO_PROXY=" + noProxy + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directClusters")
    void withoutAProxyNothingAboutAProxyIsRendered(String name, GatewayClusterSpec spec) throws OperatorException {
        String all = JSON.valueToTree(GatewayClusterManifest.render(spec)).toString();
        assertThat(all)
                .doesNotContain("pcg-gateway-proxy", "http-proxy.conf", "/etc/environment", "systemctl", "PROXY");
    }

    @Test
    void kubeVipHoldsTheVipAndOnlyTheFirstNodeUsesSuperAdminConf() throws OperatorException {
        JsonNode kubeadm = JSON.valueToTree(object(
                        GatewayClusterManifest.render(
                                GatewayClusterSpecs.builder().build()),
                        "KubeadmControlPlane"))
                .path("spec")
                .path("kubeadmConfigSpec");
        Map<String, String> contents = new LinkedHashMap<>();
        kubeadm.path("files")
                .forEach(file -> contents.put(
                        file.path("path").asText(), file.path("content").asText()));

        Pod joining = KUBERNETES.unmarshal(contents.get("/etc/kubernetes/manifests/kube-vip.yaml"), Pod.class);
        Pod first = KUBERNETES.unmarshal(contents.get("/etc/kube-vip/kube-vip-init.yaml"), Pod.class);
        assertThat(joining.getSpec().getHostNetwork()).isTrue();
        assertThat(joining.getSpec().getContainers().get(0).getEnv())
                .anySatisfy(
                        env -> assertThat(env.getName() + "=" + env.getValue()).isEqualTo("address=10.10.183.5"))
                .anySatisfy(
                        env -> assertThat(env.getName() + "=" + env.getValue()).isEqualTo("port=6443"));
        assertThat(joining.getSpec().getVolumes().get(0).getHostPath().getPath())
                .isEqualTo("/etc/kubernetes/admin.conf");
        assertThat(first.getSpec().getVolumes().get(0).getHostPath().getPath())
                .isEqualTo("/etc/kubernetes/super-admin.conf");
        first.getSpec().getVolumes().get(0).getHostPath().setPath("/etc/kubernetes/admin.conf");
        assertThat(first).isEqualTo(joining);
        assertThat(contents.get("/etc/kube-vip.hosts")).isEqualTo("127.0.0.1 localhost kubernetes\n");
        assertThat(kubeadm.path("preKubeadmCommands"))
                .extracting(JsonNode::asText)
                .containsExactly("if [ -f /run/kubeadm/kubeadm.yaml ]; then cp /etc/kube-vip/kube-vip-init.yaml"
                        + " /etc/kubernetes/manifests/kube-vip.yaml; fi");
    }

    @Test
    void theVcenterPasswordIsOnlyInTheCredentialsSecretAndTheThumbprintIsInCapvNotation() throws OperatorException {
        List<HasMetadata> objects =
                GatewayClusterManifest.render(GatewayClusterSpecs.builder().build());
        assertThat(decoded((Secret) objects.get(0)))
                .containsExactly(
                        Map.entry("username", "pcg@vsphere.local"),
                        Map.entry("password", GatewayClusterSpecs.VCENTER_PASSWORD));
        for (HasMetadata object : objects.subList(1, objects.size())) {
            assertThat(JSON.valueToTree(object).toString()).doesNotContain(GatewayClusterSpecs.VCENTER_PASSWORD);
        }
        assertThat(Fields.text(object(objects, "VSphereCluster"), "spec", "thumbprint"))
                .isEqualTo(
                        "3F:2A:61:D3:C0:B1:E5:F4:A7:B8:C9:D0:E1:F2:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4");
    }

    private static GenericKubernetesResource object(List<HasMetadata> objects, String kind) {
        return objects.stream()
                .filter(o -> o.getKind().equals(kind))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static String decodedSecretData(HasMetadata object) {
        return object instanceof Secret secret ? decoded(secret).toString() : "";
    }

    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.getData()
                .forEach((key, value) ->
                        data.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        return data;
    }

    /** The value of {@code NAME="value"} in an environment file. */
    private static String variable(String environment, String name) {
        return environment
                .lines()
                .filter(line -> line.startsWith(name + "="))
                .findFirst()
                .map(line -> line.substring(name.length() + 2, line.length() - 1))
                .orElseThrow();
    }
}
