package io.pcg.installer.ovf;

import io.pcg.common.errors.ErrorText;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The OVF environment document vSphere hands to the VM ({@code ovf-env.xml}): the values of the vApp properties as
 * {@code Environment/PropertySection/Property oe:key oe:value}. Keys this installer does not know are kept but
 * ignored. Parsed by {@link SafeXml}: DTDs and external entities are refused.
 */
public final class OvfEnvironment {

    public static final String NAMESPACE = "http://schemas.dmtf.org/ovf/environment/1";
    /** vSphere hands the vApp properties over once, at first boot: a wrong value takes a new VM. */
    public static final String REDEPLOY_ADVICE =
            "Power down and delete this VM, then deploy the OVA again with the correct values.";

    private static final String REDEPLOY = " Power down and delete the VM, then deploy the OVA again.";

    private final Map<String, String> properties;

    public OvfEnvironment(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /** The property's value as delivered, or empty when the environment does not carry it. */
    public String value(OvfProperty property) {
        return properties.getOrDefault(property.key(), "");
    }

    public static OvfEnvironment parse(byte[] xml) throws InvalidOvfEnvironmentException {
        Document document = parseDocument(xml);
        Element root = document.getDocumentElement();
        if (!NAMESPACE.equals(root.getNamespaceURI()) || !"Environment".equals(root.getLocalName())) {
            throw new InvalidOvfEnvironmentException("the OVF environment's root element is "
                    + ErrorText.quote(root.getTagName()) + ", expected Environment in namespace " + NAMESPACE
                    + "; this is not an ovf-env.xml document." + REDEPLOY);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        NodeList sections = root.getElementsByTagNameNS(NAMESPACE, "PropertySection");
        for (int s = 0; s < sections.getLength(); s++) {
            NodeList entries = ((Element) sections.item(s)).getElementsByTagNameNS(NAMESPACE, "Property");
            for (int p = 0; p < entries.getLength(); p++) {
                Element entry = (Element) entries.item(p);
                if (!entry.hasAttributeNS(NAMESPACE, "key")) {
                    throw new InvalidOvfEnvironmentException(
                            "the OVF environment has a Property without oe:key." + REDEPLOY);
                }
                String key = entry.getAttributeNS(NAMESPACE, "key");
                if (properties.put(key, entry.getAttributeNS(NAMESPACE, "value")) != null) {
                    throw new InvalidOvfEnvironmentException(
                            "the OVF environment sets property " + ErrorText.quote(key) + " twice." + REDEPLOY);
                }
            }
        }
        return new OvfEnvironment(properties);
    }

    private static Document parseDocument(byte[] xml) throws InvalidOvfEnvironmentException {
        try {
            return SafeXml.parse(xml);
        } catch (SAXParseException e) {
            if (e.getMessage() != null && e.getMessage().contains("DOCTYPE")) {
                throw new InvalidOvfEnvironmentException(
                        "the OVF environment contains a DOCTYPE declaration, which is refused"
                                + " (it could pull in external entities); the ovf-env.xml vSphere writes never has one."
                                + REDEPLOY);
            }
            throw new InvalidOvfEnvironmentException("the OVF environment is not well-formed XML (line "
                    + e.getLineNumber() + ", column " + e.getColumnNumber() + "): " + e.getMessage() + REDEPLOY);
        } catch (SAXException e) {
            throw new InvalidOvfEnvironmentException("the OVF environment was refused: " + e.getMessage() + REDEPLOY);
        } catch (IOException e) {
            throw new InvalidOvfEnvironmentException("the OVF environment could not be read: " + e.getMessage());
        }
    }
}
