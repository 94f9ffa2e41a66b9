package io.pcg.agent.cluster.manifest;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Golden files: rendered objects compared with a multi-document YAML file under
 * {@code src/test/resources/golden/}, structurally (both sides parsed, so formatting and key order do not matter).
 * A mismatch fails with one line per differing field. {@code mvn test -Dpcg.golden.update=true} rewrites the files
 * from what the code renders now; review the change with {@code git diff} before committing it.
 *
 * <p>Secret {@code data} appears decoded in the files, so a reviewer can read what goes onto the nodes; base64 is
 * one-to-one, so comparing decoded values is as strict as comparing encoded ones.
 */
final class GoldenFiles {

    static final String UPDATE_PROPERTY = "pcg.golden.update";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build());

    private GoldenFiles() {}

    static void assertMatches(String goldenFile, List<? extends HasMetadata> objects) {
        Path file = Path.of(System.getProperty("basedir", ""), "src", "test", "resources", "golden")
                .resolve(goldenFile);
        List<JsonNode> actual = objects.stream().map(GoldenFiles::readable).toList();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(file, actual);
        }
        if (!Files.isRegularFile(file)) {
            fail("golden file " + file + " does not exist; create it with mvn test -D" + UPDATE_PROPERTY + "=true");
        }
        List<String> differences = new ArrayList<>();
        List<JsonNode> expected = read(file);
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String document = "document " + (i + 1);
            if (i >= expected.size()) {
                differences.add(document + ": unexpected " + describe(actual.get(i)));
            } else if (i >= actual.size()) {
                differences.add(document + ": missing " + describe(expected.get(i)));
            } else {
                compare(
                        document + " (" + describe(expected.get(i)) + ") $",
                        expected.get(i),
                        actual.get(i),
                        false,
                        differences);
            }
        }
        if (!differences.isEmpty()) {
            fail("rendered objects differ from " + file + " (expected vs actual):\n  "
                    + String.join("\n  ", differences) + "\nIf the change is intended, run the test with -D"
                    + UPDATE_PROPERTY + "=true and review git diff.");
        }
    }

    private static JsonNode readable(HasMetadata object) {
        ObjectNode tree = JSON.valueToTree(object);
        if ("Secret".equals(object.getKind()) && tree.get("data") instanceof ObjectNode data) {
            data.fields()
                    .forEachRemaining(entry -> entry.setValue(TextNode.valueOf(new String(
                            Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8))));
        }
        return tree;
    }

    /**
     * Adds a line for every field of {@code expected} that is missing or different in {@code actual}, with its path,
     * and for every field only {@code actual} has unless {@code allowExtraFields}.
     */
    static void compare(
            String path, JsonNode expected, JsonNode actual, boolean allowExtraFields, List<String> differences) {
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = path + "." + name;
                if (!actual.has(name)) {
                    differences.add(child + ": missing, expected " + shown(expected.get(name)));
                } else if (!expected.has(name)) {
                    if (!allowExtraFields) {
                        differences.add(child + ": unexpected " + shown(actual.get(name)));
                    }
                } else {
                    compare(child, expected.get(name), actual.get(name), allowExtraFields, differences);
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                String child = path + "[" + i + "]";
                if (i >= actual.size()) {
                    differences.add(child + ": missing, expected " + shown(expected.get(i)));
                } else if (i >= expected.size()) {
                    differences.add(child + ": unexpected " + shown(actual.get(i)));
                } else {
                    compare(child, expected.get(i), actual.get(i), allowExtraFields, differences);
                }
            }
        } else if (!sameValue(expected, actual)) {
            differences.add(path + ": expected " + shown(expected) + " but was " + shown(actual));
        }
    }

    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String describe(JsonNode object) {
        return object.path("kind").asText() + " "
                + object.path("metadata").path("name").asText();
    }

    private static List<JsonNode> read(Path file) {
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            List<JsonNode> result = new ArrayList<>();
            for (Iterator<JsonNode> it = documents; it.hasNext(); ) {
                result.add(it.next());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + file, e);
        }
    }

    private static void write(Path file, List<JsonNode> documents) {
        StringWriter text = new StringWriter();
        try (SequenceWriter writer = YAML.writer().writeValues(text)) {
            for (JsonNode document : documents) {
                writer.write(document);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write golden file " + file, e);
        }
    }
}
