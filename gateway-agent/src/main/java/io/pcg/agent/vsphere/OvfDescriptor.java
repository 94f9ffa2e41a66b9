package io.pcg.agent.vsphere;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** The little we need from an OVF descriptor before handing it to vCenter. */
final class OvfDescriptor {

    private static final String OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1";

    private OvfDescriptor() {}

    /**
     * Names in the descriptor's NetworkSection, each of which must be mapped to a vSphere network.
     *
     * @throws IllegalArgumentException when the text is not an OVF envelope (or tries DTD/entity tricks)
     */
    static List<String> networkNames(String descriptor) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        List<String> names = new ArrayList<>();
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(descriptor));
            boolean sawEnvelope = false;
            while (reader.hasNext()) {
                if (reader.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (!sawEnvelope) {
                    if (!"Envelope".equals(reader.getLocalName()) || !OVF_NS.equals(reader.getNamespaceURI())) {
                        throw new IllegalArgumentException(
                                "the root element is <" + reader.getLocalName() + ">, not an OVF 1.x Envelope");
                    }
                    sawEnvelope = true;
                } else if ("Network".equals(reader.getLocalName()) && OVF_NS.equals(reader.getNamespaceURI())) {
                    String name = reader.getAttributeValue(OVF_NS, "name");
                    if (name != null && !name.isBlank()) {
                        names.add(name);
                    }
                }
            }
            if (!sawEnvelope) {
                throw new IllegalArgumentException("the descriptor is empty");
            }
            return names;
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("malformed XML: " + e.getMessage(), e);
        }
    }
}
