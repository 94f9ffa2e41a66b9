package io.pcg.installer.ovf;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OVF environment document vSphere hands to the VM ({@code ovf-env.xml}): the values of the vApp properties as
 * {@code Environment/PropertySection/Property oe:key oe:value}. Keys this installer does not know are kept but
 * ignored. DTDs and external entities are refused outright: the document never needs them, and honouring them would
 * let a crafted environment read local files (XXE).
 */
public final class OvfEnvironment {

    public static final String NAMESPACE = "http://schemas.dmtf.org/ovf/environment/1";
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
            throw new InvalidOvfEnvironmentException("the OVF environment's root element is '" + root.getTagName()
                    + "', expected Environment in namespace " + NAMESPACE + "; this is not an ovf-env.xml document." + REDEPLOY);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        NodeList sections = root.getElementsByTagNameNS(NAMESPACE, "PropertySection");
        for (int s = 0; s < sections.getLength(); s++) {
            NodeList entries = ((Element) sections.item(s)).getElementsByTagNameNS(NAMESPACE, "Property");
            for (int p = 0; p < entries.getLength(); p++) {
                Element entry = (Element) entries.item(p);
                if (!entry.hasAttributeNS(NAMESPACE, "key")) {
                    throw new InvalidOvfEnvironmentException("the OVF environment has a Property without oe:key." + REDEPLOY);
                }
                String key = entry.getAttributeNS(NAMESPACE, "key");
                if (properties.put(key, entry.getAttributeNS(NAMESPACE, "value")) != null) {
                    throw new InvalidOvfEnvironmentException("the OVF environment sets property " + key + " twice." + REDEPLOY);
                }
            }
        }
        return new OvfEnvironment(properties);
    }

    private static Document parseDocument(byte[] xml) throws InvalidOvfEnvironmentException {
        try {
            DocumentBuilder builder = hardenedFactory().newDocumentBuilder();
            builder.setErrorHandler(new FailOnError());
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            if (e.getMessage() != null && e.getMessage().contains("DOCTYPE")) {
                throw new InvalidOvfEnvironmentException("the OVF environment contains a DOCTYPE declaration, which is refused"
                        + " (it could pull in external entities); the ovf-env.xml vSphere writes never has one." + REDEPLOY);
            }
            throw new InvalidOvfEnvironmentException("the OVF environment is not well-formed XML (line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + "): " + e.getMessage() + REDEPLOY);
        } catch (SAXException e) {
            throw new InvalidOvfEnvironmentException("the OVF environment was refused: " + e.getMessage() + REDEPLOY);
        } catch (IOException e) {
            throw new InvalidOvfEnvironmentException("the OVF environment could not be read: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
        }
    }

    private static DocumentBuilderFactory hardenedFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    /** Without a handler the JDK parser prints "[Fatal Error]" lines to stderr besides throwing. */
    private static final class FailOnError implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    }
}
