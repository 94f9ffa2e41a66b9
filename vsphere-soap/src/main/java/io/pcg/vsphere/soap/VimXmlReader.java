package io.pcg.vsphere.soap;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.MethodFault;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads vSphere SOAP responses into yavijava's {@code com.vmware.vim25} model with one streaming pass.
 *
 * <p>It is lenient where the stock yavijava reader is strict, because servers speak newer API versions than the
 * 6.0 model (vcsim ignores the requested version): elements with no matching field, {@code xsi:type}s the model
 * does not know and enum values it does not know are skipped instead of failing the whole call. A reference's
 * {@code type} is read as the un-namespaced attribute only, never {@code xsi:type}.
 *
 * <p>Hardened against hostile servers: no DTDs, no external entities.
 */
public final class VimXmlReader {

    static final String XSI_NS = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    static final String SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String MODEL_PACKAGE = "com.vmware.vim25.";
    private static final Object SKIPPED = new Object();

    private static final XMLInputFactory FACTORY = newFactory();
    private static final Map<String, Class<?>> MODEL_CLASSES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Map<String, FieldSlot>> SLOTS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Map<String, Object>> ENUMS = new ConcurrentHashMap<>();
    private static final Class<?> NOT_IN_MODEL = Void.class;

    private VimXmlReader() {}

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /** What the body of a SOAP response holds: a value, or a fault. */
    public record Response(Object value, Fault fault) {}

    /**
     * A SOAP fault: the server's fault string and the typed vSphere fault from its detail ({@code null} when the
     * detail names a fault the model does not know).
     */
    public record Fault(String faultCode, String faultString, MethodFault detail) {}

    /**
     * Reads a whole response envelope.
     *
     * @param returnType yavijava's return type name ({@code "RetrieveResult"}, {@code "String[]"}, {@code "boolean"}),
     *                   or {@code null} for void methods
     */
    public static Response readResponse(InputStream in, String returnType) throws XMLStreamException {
        XMLStreamReader r = FACTORY.createXMLStreamReader(in);
        try {
            nextChildStart(r); // Envelope
            if (!"Envelope".equals(r.getLocalName())) {
                throw new XMLStreamException("not a SOAP envelope but <" + r.getLocalName() + ">");
            }
            while (nextChildStart(r) && !"Body".equals(r.getLocalName())) {
                skipElement(r);
            }
            if (!nextChildStart(r)) {
                return new Response(null, null);
            }
            if ("Fault".equals(r.getLocalName()) && SOAP_ENV_NS.equals(r.getNamespaceURI())) {
                return new Response(null, readFault(r));
            }
            return new Response(readReturnValue(r, returnType), null);
        } finally {
            r.close();
        }
    }

    private static Object readReturnValue(XMLStreamReader r, String returnType) throws XMLStreamException {
        if (returnType == null || returnType.isEmpty() || "void".equals(returnType)) {
            skipElement(r);
            return null;
        }
        boolean many = returnType.endsWith("[]");
        Class<?> type = typeByName(many ? returnType.substring(0, returnType.length() - 2) : returnType);
        if (type == NOT_IN_MODEL) {
            throw new XMLStreamException("return type " + returnType + " is not in the vSphere model");
        }
        List<Object> values = new ArrayList<>();
        while (nextChildStart(r)) {
            Object value = readValue(r, type);
            if (value != SKIPPED) {
                values.add(value);
            }
        }
        if (many) {
            return toArray(type, values);
        }
        return values.isEmpty() ? defaultFor(type) : values.get(0);
    }

    private static Fault readFault(XMLStreamReader r) throws XMLStreamException {
        String code = null;
        String text = null;
        MethodFault detail = null;
        while (nextChildStart(r)) {
            switch (r.getLocalName()) {
                case "faultcode" -> code = r.getElementText();
                case "faultstring" -> text = r.getElementText();
                case "detail" -> {
                    while (nextChildStart(r)) {
                        if (detail != null) {
                            skipElement(r);
                        } else if (readFaultDetail(r) instanceof MethodFault fault) {
                            detail = fault;
                        }
                    }
                }
                default -> skipElement(r);
            }
        }
        return new Fault(code, text, detail);
    }

    private static Object readFaultDetail(XMLStreamReader r) throws XMLStreamException {
        if (r.getAttributeValue(XSI_NS, "type") == null && r.getLocalName().endsWith("Fault")) {
            // Some servers name the detail element after the fault and omit xsi:type.
            String name = r.getLocalName();
            Class<?> named = typeByName(name.substring(0, name.length() - "Fault".length()));
            if (named != NOT_IN_MODEL && MethodFault.class.isAssignableFrom(named)) {
                return readObject(r, named);
            }
        }
        return readValue(r, MethodFault.class);
    }

    /** Reads the element the reader stands on into {@code declared}; returns {@link #SKIPPED} if it cannot. */
    static Object readValue(XMLStreamReader r, Class<?> declared) throws XMLStreamException {
        if ("true".equals(r.getAttributeValue(XSI_NS, "nil"))) {
            skipElement(r);
            return null;
        }
        Class<?> type = declared;
        String xsiType = r.getAttributeValue(XSI_NS, "type");
        if (xsiType != null) {
            Class<?> named = typeByName(localPart(xsiType));
            if (named != NOT_IN_MODEL && (boxed(declared).isAssignableFrom(boxed(named)) || declared == Object.class)) {
                type = named;
            } else if (declared == Object.class
                    || Modifier.isAbstract(declared.getModifiers())
                    || declared.isInterface()) {
                skipElement(r);
                return SKIPPED;
            }
        }
        if (type.isArray()) {
            // Only xsi:type="ArrayOfX" wrappers get here; repeated fields are gathered by readObject.
            Class<?> component = type.getComponentType();
            List<Object> items = new ArrayList<>();
            while (nextChildStart(r)) {
                Object item = readValue(r, component);
                if (item != SKIPPED) {
                    items.add(item);
                }
            }
            return toArray(component, items);
        }
        if (type == ManagedObjectReference.class) {
            ManagedObjectReference ref = new ManagedObjectReference();
            ref.setType(unqualifiedAttribute(r, "type"));
            ref.setVal(r.getElementText());
            return ref;
        }
        if (isSimple(type)) {
            String text = r.getElementText();
            return parseSimple(type, text);
        }
        if (type == Object.class
                || Modifier.isAbstract(type.getModifiers()) && !Throwable.class.isAssignableFrom(type)) {
            skipElement(r);
            return SKIPPED;
        }
        return readObject(r, type);
    }

    private static Object readObject(XMLStreamReader r, Class<?> type) throws XMLStreamException {
        Object target = instantiate(type);
        if (target == null) {
            skipElement(r);
            return SKIPPED;
        }
        Map<String, FieldSlot> slots = slotsOf(type);
        Map<FieldSlot, List<Object>> repeated = null;
        while (nextChildStart(r)) {
            FieldSlot slot = slots.get(r.getLocalName());
            if (slot == null) {
                skipElement(r);
                continue;
            }
            Object value = readValue(r, slot.elementType);
            if (value == SKIPPED) {
                continue;
            }
            if (slot.repeated) {
                if (repeated == null) {
                    repeated = new HashMap<>();
                }
                repeated.computeIfAbsent(slot, s -> new ArrayList<>()).add(value);
            } else {
                slot.set(target, value);
            }
        }
        if (repeated != null) {
            for (Map.Entry<FieldSlot, List<Object>> entry : repeated.entrySet()) {
                entry.getKey().set(target, toArray(entry.getKey().elementType, entry.getValue()));
            }
        }
        return target;
    }

    /**
     * The attribute with no namespace. {@code getAttributeValue(null, name)} would not do: it ignores namespaces,
     * so it may return {@code xsi:type} (which vcsim writes first on references).
     */
    private static String unqualifiedAttribute(XMLStreamReader r, String localName) {
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String ns = r.getAttributeNamespace(i);
            if ((ns == null || ns.isEmpty()) && localName.equals(r.getAttributeLocalName(i))) {
                return r.getAttributeValue(i);
            }
        }
        return null;
    }

    private static Object instantiate(Class<?> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isSimple(Class<?> type) {
        return type == String.class
                || type.isPrimitive()
                || Number.class.isAssignableFrom(type)
                || type == Boolean.class
                || type == Calendar.class
                || type.isEnum()
                || type == byte[].class;
    }

    private static Object parseSimple(Class<?> type, String text) {
        String t = text.trim();
        if (type == String.class) {
            return text;
        }
        try {
            if (type == int.class || type == Integer.class) {
                return Integer.valueOf(t);
            }
            if (type == long.class || type == Long.class) {
                return Long.valueOf(t);
            }
            if (type == boolean.class || type == Boolean.class) {
                return "true".equals(t) || "1".equals(t);
            }
            if (type == short.class || type == Short.class) {
                return Short.valueOf(t);
            }
            if (type == byte.class || type == Byte.class) {
                return Byte.valueOf(t);
            }
            if (type == float.class || type == Float.class) {
                return Float.valueOf(t);
            }
            if (type == double.class || type == Double.class) {
                return Double.valueOf(t);
            }
            if (type == Calendar.class) {
                return javax.xml.bind.DatatypeConverter.parseDateTime(t);
            }
            if (type == byte[].class) {
                return Base64.getMimeDecoder().decode(t);
            }
        } catch (IllegalArgumentException e) {
            return SKIPPED;
        }
        if (type.isEnum()) {
            Object constant = enumConstants(type).get(t);
            return constant == null ? SKIPPED : constant;
        }
        return SKIPPED;
    }

    private static Map<String, Object> enumConstants(Class<?> type) {
        return ENUMS.computeIfAbsent(type, t -> {
            Map<String, Object> byWireName = new HashMap<>();
            for (Object constant : t.getEnumConstants()) {
                byWireName.put(((Enum<?>) constant).name(), constant);
                byWireName.put(constant.toString(), constant);
            }
            return byWireName;
        });
    }

    private static Object defaultFor(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }

    private static Object toArray(Class<?> component, List<Object> values) {
        Object array = Array.newInstance(component, values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, values.get(i));
        }
        return array;
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "float" -> Float.class;
            case "double" -> Double.class;
            default -> type;
        };
    }

    private static String localPart(String qname) {
        int colon = qname.indexOf(':');
        return colon < 0 ? qname : qname.substring(colon + 1);
    }

    /** Maps a wire type name (XSD simple type, {@code ArrayOfX}, or a model class name) to a Java type. */
    static Class<?> typeByName(String name) {
        Class<?> cached = MODEL_CLASSES.get(name);
        if (cached != null) {
            return cached;
        }
        Class<?> resolved = resolveType(name);
        MODEL_CLASSES.put(name, resolved);
        return resolved;
    }

    private static Class<?> resolveType(String name) {
        switch (name) {
            case "string", "String", "anyURI", "ID", "IDREF", "NCName", "QName", "token" -> {
                return String.class;
            }
            case "int", "Int", "unsignedShort" -> {
                return Integer.class;
            }
            case "long", "Long", "unsignedInt" -> {
                return Long.class;
            }
            case "short", "Short", "unsignedByte" -> {
                return Short.class;
            }
            case "byte", "Byte" -> {
                return Byte.class;
            }
            case "boolean", "Boolean" -> {
                return Boolean.class;
            }
            case "float", "Float" -> {
                return Float.class;
            }
            case "double", "Double" -> {
                return Double.class;
            }
            case "dateTime", "Calendar" -> {
                return Calendar.class;
            }
            case "base64Binary" -> {
                return byte[].class;
            }
            default -> {}
        }
        if (name.startsWith("ArrayOf")) {
            Class<?> component = typeByName(name.substring("ArrayOf".length()));
            if (component == NOT_IN_MODEL) {
                return NOT_IN_MODEL;
            }
            return component.arrayType();
        }
        try {
            return Class.forName(MODEL_PACKAGE + name, true, VimXmlReader.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return NOT_IN_MODEL;
        }
    }

    private static Map<String, FieldSlot> slotsOf(Class<?> type) {
        return SLOTS.computeIfAbsent(type, t -> {
            Map<String, FieldSlot> slots = new HashMap<>();
            for (Class<?> c = t; c != null && c.getName().startsWith(MODEL_PACKAGE); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    int modifiers = field.getModifiers();
                    if (Modifier.isStatic(modifiers) || !Modifier.isPublic(modifiers)) {
                        continue;
                    }
                    String wireName =
                            field.getName().startsWith("_") ? field.getName().substring(1) : field.getName();
                    slots.putIfAbsent(wireName, new FieldSlot(field));
                }
            }
            return slots;
        });
    }

    /** A model field: where a child element's value goes; array fields collect repeated elements. */
    private static final class FieldSlot {
        final Field field;
        final boolean repeated;
        final Class<?> elementType;

        FieldSlot(Field field) {
            this.field = field;
            Class<?> type = field.getType();
            this.repeated = type.isArray() && type != byte[].class;
            this.elementType = repeated ? type.getComponentType() : type;
        }

        void set(Object target, Object value) {
            if (value == null && field.getType().isPrimitive()) {
                return;
            }
            try {
                field.set(target, value);
            } catch (IllegalAccessException | IllegalArgumentException e) {
                // A value that does not fit the model field (a newer server type) is left out, like unknown fields.
            }
        }
    }

    /** Moves to the next child start element; returns false once past the current element's end instead. */
    private static boolean nextChildStart(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    private static void skipElement(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }
}
