package io.pcg.installer.ovf;

import static io.pcg.installer.ovf.ProductSectionInjector.ENVELOPE_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The OVA's ProductSection and the installer read the same properties: one list, checked here. */
class ProductSectionTest {

    /** ova-build/ovf/product-section.xml, which the build copies to the test classpath. */
    private static final Path PRODUCT_SECTION = classpathFile("/ova-build/ovf/product-section.xml");

    @TempDir
    Path dir;

    @Test
    void declaresEveryPropertyTheInstallerReadsAndNoOther() throws Exception {
        Map<String, Element> declared = properties(SafeXml.parse(Files.readAllBytes(PRODUCT_SECTION)));

        assertThat(declared.keySet())
                .containsExactly(Arrays.stream(OvfProperty.values())
                        .map(OvfProperty::key)
                        .toArray(String[]::new));
        for (OvfProperty property : OvfProperty.values()) {
            Element element = declared.get(property.key());
            assertThat(attribute(element, "type")).as(property.key()).isEqualTo("string");
            assertThat(attribute(element, "userConfigurable"))
                    .as(property.key())
                    .isEqualTo("true");
            assertThat(attribute(element, "password")).as(property.key()).isEqualTo(property.password() ? "true" : "");
            assertThat(attribute(element, "value")).as(property.key()).isEqualTo(property.defaultValue());
            assertThat(child(element, "Label")).as(property.key()).isEqualTo(property.label());
            assertThat(child(element, "Description")).as(property.key()).isNotBlank();
        }
        assertThat(attribute(declared.get("pcg.consoleEndpoint"), "value"))
                .isEqualTo("https://console.spectrocloud.com");
    }

    @Test
    void injectsTheSectionIntoAnExportedDescriptorAndKeepsTheManifestValid() throws Exception {
        Path descriptor = Files.writeString(dir.resolve("pcg-installer.ovf"), EXPORTED_OVF);
        String diskLine = "SHA256(pcg-installer-disk-0.vmdk)= " + "ab".repeat(32) + "\n";
        Files.writeString(
                dir.resolve("pcg-installer.mf"), "SHA256(pcg-installer.ovf)= " + "00".repeat(32) + "\n" + diskLine);

        ProductSectionInjector.injectIntoPackage(descriptor, PRODUCT_SECTION);
        ProductSectionInjector.injectIntoPackage(descriptor, PRODUCT_SECTION);

        byte[] injected = Files.readAllBytes(descriptor);
        Document document = SafeXml.parse(injected);
        Element virtualSystem = (Element) document.getElementsByTagNameNS(ENVELOPE_NAMESPACE, "VirtualSystem")
                .item(0);
        assertThat(virtualSystem
                        .getElementsByTagNameNS(ENVELOPE_NAMESPACE, "ProductSection")
                        .getLength())
                .as("injecting twice replaces, never duplicates")
                .isEqualTo(1);
        assertThat(properties(document))
                .containsOnlyKeys(Arrays.stream(OvfProperty.values())
                        .map(OvfProperty::key)
                        .toList());
        Element hardware = (Element) document.getElementsByTagNameNS(ENVELOPE_NAMESPACE, "VirtualHardwareSection")
                .item(0);
        assertThat(hardware.getAttributeNS(ENVELOPE_NAMESPACE, "transport")).isEqualTo("com.vmware.guestInfo");
        assertThat(new String(injected, StandardCharsets.UTF_8)).contains("<vmw:Config"); // untouched vendor sections
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(injected));
        assertThat(Files.readString(dir.resolve("pcg-installer.mf")))
                .isEqualTo("SHA256(pcg-installer.ovf)= " + digest + "\n" + diskLine);
    }

    private static Path classpathFile(String name) {
        URL resource = ProductSectionTest.class.getResource(name);
        if (resource == null) {
            throw new IllegalStateException(
                    name + " is not on the test classpath: installer/pom.xml copies it from ova-build/ovf");
        }
        try {
            return Path.of(resource.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Element> properties(Document document) {
        Map<String, Element> result = new LinkedHashMap<>();
        NodeList elements = document.getElementsByTagNameNS(ENVELOPE_NAMESPACE, "Property");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            result.put(attribute(element, "key"), element);
        }
        return result;
    }

    private static String attribute(Element element, String name) {
        return element.getAttributeNS(ENVELOPE_NAMESPACE, name);
    }

    private static String child(Element element, String name) {
        NodeList children = element.getElementsByTagNameNS(ENVELOPE_NAMESPACE, name);
        return children.getLength() == 1 ? children.item(0).getTextContent().strip() : null;
    }

    /** The shape of what vSphere's export writes for a VM without vApp options (trimmed). */
    private static final String EXPORTED_OVF = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
                      xmlns:vmw="http://www.vmware.com/schema/ovf"
                      xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
              <References>
                <File ovf:id="file1" ovf:href="pcg-installer-disk-0.vmdk"/>
              </References>
              <DiskSection>
                <Info>List of the virtual disks</Info>
                <Disk ovf:capacityAllocationUnits="byte" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:diskId="vmdisk1" ovf:capacity="42949672960" ovf:fileRef="file1"/>
              </DiskSection>
              <NetworkSection>
                <Info>The list of logical networks</Info>
                <Network ovf:name="VM Network"><Description>The VM Network network</Description></Network>
              </NetworkSection>
              <VirtualSystem ovf:id="pcg-installer">
                <Info>A Virtual system</Info>
                <Name>pcg-installer</Name>
                <OperatingSystemSection ovf:id="94" vmw:osType="ubuntu64Guest"><Info>The operating system installed</Info></OperatingSystemSection>
                <VirtualHardwareSection>
                  <Info>Virtual hardware requirements</Info>
                  <Item><rasd:ElementName>2 virtual CPU(s)</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
                  <vmw:Config ovf:required="false" vmw:key="tools.syncTimeWithHost" vmw:value="false"/>
                </VirtualHardwareSection>
              </VirtualSystem>
            </Envelope>
            """.strip();
}
