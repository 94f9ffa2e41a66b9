package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pcg.installer.ovf.OvfProperty;
import io.pcg.testkit.vsphere.Vcsim;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The built OVA as vSphere reads it: OVF order, manifest, the descriptor the "Deploy OVF Template" wizard needs, and
 * an import with every property set into vcsim, whose VM then carries them in its vApp config. The vcsim and govc of
 * the other tests (govmomi 0.24, Debian's source) keep OVF properties as extraConfig only; this test builds those of
 * govmomi {@value #GOVMOMI_VERSION} from its Go module, whose OvfManager fills the vApp config as vCenter does.
 */
class OvaPackageIT {

    private static final String OVF = "http://schemas.dmtf.org/ovf/envelope/1";
    private static final String RASD =
            "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    private static final String VMW = "http://www.vmware.com/schema/ovf";
    private static final Pattern MANIFEST_LINE = Pattern.compile("SHA256\\((.+)\\)= ([0-9a-f]{64})");

    static final String GOVMOMI_VERSION = "v0.46.3";

    private static OvaImage image;
    private static Vcsim vcsim;

    @TempDir
    Path dir;

    @BeforeAll
    static void built() throws Exception {
        image = OvaImage.requireBuilt();
        Path cache = Path.of(System.getenv().getOrDefault("PCG_OVA_CACHE", "/var/cache/pcg-ova"));
        ExternalTool.Result govmomi = ExternalTool.run(
                Path.of("."),
                Map.of(),
                RepoFiles.path("ova-build/lib/go-install.sh").toString(),
                cache.resolve("tools/govmomi-" + GOVMOMI_VERSION).toString(),
                "github.com/vmware/govmomi/govc@" + GOVMOMI_VERSION,
                "github.com/vmware/govmomi/vcsim@" + GOVMOMI_VERSION);
        assertThat(govmomi.exitCode())
                .as("building govc and vcsim " + GOVMOMI_VERSION + ":\n" + govmomi.output())
                .isZero();
        vcsim = Vcsim.start(
                Path.of(govmomi.output()
                        .lines()
                        .reduce((first, last) -> last)
                        .orElseThrow()
                        .strip()),
                "pcg-import",
                "Imp0rt-pw!42");
    }

    @AfterAll
    static void stopVcsim() {
        if (vcsim != null) {
            vcsim.close();
        }
    }

    @Test
    void holdsDescriptorManifestAndDiskInOvfOrderAndTheManifestMatches() throws Exception {
        assertThat(image.members()).containsExactly(image.descriptorName(), image.manifestName(), image.diskName());

        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(image.extract(dir, image.manifestName()))) {
            Matcher matcher = MANIFEST_LINE.matcher(line);
            assertThat(matcher.matches()).as("manifest line '%s'", line).isTrue();
            listed.put(matcher.group(1), matcher.group(2));
        }
        assertThat(listed).containsOnlyKeys(image.descriptorName(), image.diskName());
        for (Map.Entry<String, String> entry : listed.entrySet()) {
            assertThat(sha256(image.extract(dir, entry.getKey())))
                    .as(entry.getKey())
                    .isEqualTo(entry.getValue());
        }
    }

    @Test
    void descriptorHasWhatTheDeployWizardNeeds() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document descriptor = factory.newDocumentBuilder()
                .parse(image.extract(dir, image.descriptorName()).toFile());

        List<String> configs = new ArrayList<>();
        NodeList config = descriptor.getElementsByTagNameNS(VMW, "Config");
        for (int i = 0; i < config.getLength(); i++) {
            Element element = (Element) config.item(i);
            configs.add(element.getAttributeNS(VMW, "key") + "=" + element.getAttributeNS(VMW, "value"));
        }
        assertThat(configs).contains("firmware=efi");
        assertThat(texts(descriptor, RASD, "ResourceSubType")).contains("VmxNet3");

        NodeList properties = descriptor.getElementsByTagNameNS(OVF, "Property");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < properties.getLength(); i++) {
            Element property = (Element) properties.item(i);
            assertThat(property.getAttributeNS(OVF, "userConfigurable"))
                    .as(property.getAttributeNS(OVF, "key"))
                    .isEqualTo("true");
            keys.add(property.getAttributeNS(OVF, "key"));
        }
        assertThat(keys)
                .as("the properties of the Customize template page, in the installation guide's order")
                .containsExactly(Arrays.stream(OvfProperty.values())
                        .map(OvfProperty::key)
                        .toArray(String[]::new));
    }

    @Test
    void importsIntoVcsimWithEveryPropertySetAndTheVmCarriesThem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(OvfProperty.INSTALLER_NAME.key(), "pcg-import-it");
        values.put(OvfProperty.CONSOLE_ENDPOINT.key(), "https://console.example.com");
        values.put(OvfProperty.PAIRING_CODE.key(), OvfEnvFiles.PIN);
        values.put(
                OvfProperty.SSH_PUBLIC_KEY.key(),
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvq4tP6sUcZ1iK3Tj6pQ3cM8WzHjJ8Qw1aRzJmQm8Yq ops@example.com");
        values.put(OvfProperty.POD_CIDR.key(), "172.30.0.0/16");
        values.put(OvfProperty.SERVICE_CIDR.key(), "10.112.0.0/12");
        values.put(OvfProperty.HTTP_PROXY.key(), OvfEnvFiles.PROXY);
        values.put(OvfProperty.HTTPS_PROXY.key(), OvfEnvFiles.PROXY);
        values.put(OvfProperty.NO_PROXY.key(), "vcenter.example.com,.example.org,10.10.0.0/16");
        assertThat(values).hasSize(OvfProperty.values().length);

        JsonNode spec = json.readTree(vcsim.govc("import.spec", image.file().toString()));
        List<String> offered = new ArrayList<>();
        spec.path("PropertyMapping")
                .forEach(mapping -> offered.add(mapping.path("Key").asText()));
        assertThat(offered)
                .as("govc import.spec offers every property")
                .containsExactlyInAnyOrderElementsOf(values.keySet());

        ObjectNode options = ((ObjectNode) spec).put("Name", "pcg-import-it").put("PowerOn", false);
        ArrayNode mappings = options.putArray("PropertyMapping");
        values.forEach((key, value) -> mappings.addObject().put("Key", key).put("Value", value));
        Path optionsFile = Files.writeString(dir.resolve("options.json"), json.writeValueAsString(options));
        // vcsim's default inventory has a cluster and a standalone host: the cluster's pool, as an operator picks it.
        vcsim.govc(
                "import.ova",
                "-pool",
                "/DC0/host/DC0_C0/Resources",
                "-ds",
                "LocalDS_0",
                "-options",
                optionsFile.toString(),
                image.file().toString());

        JsonNode vm = json.readTree(vcsim.govc("object.collect", "-json", "vm/pcg-import-it", "config.vAppConfig"));
        Map<String, String> carried = new LinkedHashMap<>();
        vm.findValues("property")
                .forEach(list -> list.forEach(property -> carried.put(
                        property.path("id").asText(), property.path("value").asText())));
        assertThat(carried).containsAllEntriesOf(values);
    }

    private static List<String> texts(Document document, String namespace, String name) {
        NodeList nodes = document.getElementsByTagNameNS(namespace, name);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add(nodes.item(i).getTextContent());
        }
        return result;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
