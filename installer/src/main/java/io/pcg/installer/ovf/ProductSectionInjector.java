package io.pcg.installer.ovf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Build step of the OVA (called by ova-build/lib/package-ova.sh): puts the vApp ProductSection into the
 * OVF descriptor (ova-build/ovf/pcg-installer.ovf), turns on the VMware Tools OVF environment transport, and updates the
 * descriptor's digest in the manifest so that vSphere still accepts the package.
 */
public final class ProductSectionInjector {

    public static final String ENVELOPE_NAMESPACE = "http://schemas.dmtf.org/ovf/envelope/1";
    static final String GUESTINFO_TRANSPORT = "com.vmware.guestInfo";
    private static final Pattern MANIFEST_LINE =
            Pattern.compile("(SHA1|SHA256|SHA512)\\((.+)\\)\\s*=\\s*([0-9a-fA-F]+)");

    private ProductSectionInjector() {}

    /** Usage: ProductSectionInjector EXPORTED.ovf product-section.xml (rewrites the .ovf and its .mf in place). */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ProductSectionInjector EXPORTED.ovf product-section.xml");
            System.exit(2);
        }
        Path descriptor = Path.of(args[0]);
        injectIntoPackage(descriptor, Path.of(args[1]));
        System.out.println("injected the vApp properties into " + descriptor);
    }

    public static void injectIntoPackage(Path descriptor, Path productSection) throws IOException, SAXException {
        byte[] updated = inject(Files.readAllBytes(descriptor), Files.readAllBytes(productSection));
        Files.write(descriptor, updated);
        String name = descriptor.getFileName().toString();
        Path manifest = descriptor.resolveSibling(name.replaceFirst("\\.ovf$", "") + ".mf");
        if (Files.exists(manifest)) {
            Files.writeString(manifest, updateManifest(Files.readString(manifest), name, updated));
        }
    }

    /** The descriptor with the product section as the last section of its VirtualSystem, replacing any earlier one. */
    static byte[] inject(byte[] descriptorXml, byte[] productSectionXml) throws IOException, SAXException {
        Document descriptor = SafeXml.parse(descriptorXml);
        Element productSection = SafeXml.parse(productSectionXml).getDocumentElement();
        if (!ENVELOPE_NAMESPACE.equals(productSection.getNamespaceURI())
                || !"ProductSection".equals(productSection.getLocalName())) {
            throw new IOException(
                    "the product section file must hold a ProductSection in namespace " + ENVELOPE_NAMESPACE);
        }
        Element virtualSystem = onlyElement(descriptor, "VirtualSystem");
        for (Element existing : children(virtualSystem, "ProductSection")) {
            virtualSystem.removeChild(existing);
        }
        virtualSystem.appendChild(descriptor.importNode(productSection, true));
        Element hardware = onlyElement(descriptor, "VirtualHardwareSection");
        hardware.setAttributeNS(ENVELOPE_NAMESPACE, prefixFor(descriptor) + "transport", GUESTINFO_TRANSPORT);
        return serialise(descriptor);
    }

    static String updateManifest(String manifest, String descriptorName, byte[] descriptor) {
        StringBuilder result = new StringBuilder();
        for (String line : manifest.lines().toList()) {
            Matcher matcher = MANIFEST_LINE.matcher(line.strip());
            if (matcher.matches() && matcher.group(2).equals(descriptorName)) {
                line = matcher.group(1) + "(" + descriptorName + ")= " + digest(matcher.group(1), descriptor);
            }
            result.append(line).append('\n');
        }
        return result.toString();
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            String javaName = algorithm.replace("SHA", "SHA-");
            return HexFormat.of().formatHex(MessageDigest.getInstance(javaName).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    private static String prefixFor(Document descriptor) {
        String prefix = descriptor.getDocumentElement().lookupPrefix(ENVELOPE_NAMESPACE);
        return prefix == null ? "ovf:" : prefix + ":";
    }

    private static Element onlyElement(Document document, String localName) throws IOException {
        NodeList found = document.getElementsByTagNameNS(ENVELOPE_NAMESPACE, localName);
        if (found.getLength() != 1) {
            throw new IOException(
                    "the OVF descriptor must have exactly one " + localName + ", it has " + found.getLength());
        }
        return (Element) found.item(0);
    }

    private static List<Element> children(Element parent, String localName) {
        NodeList nodes = parent.getChildNodes();
        java.util.ArrayList<Element> result = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element
                    && ENVELOPE_NAMESPACE.equals(element.getNamespaceURI())
                    && localName.equals(element.getLocalName())) {
                result.add(element);
            }
        }
        return result;
    }

    private static byte[] serialise(Document document) throws IOException {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IOException("cannot write the OVF descriptor: " + e.getMessage(), e);
        }
    }
}
