package io.pcg.agent.bootstrap;

import io.pcg.common.errors.OperatorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The versions the appliance image pins in {@code versions.env} ({@code KEY=VALUE} lines): what kind runs, which
 * Cluster API providers {@code clusterctl init} installs, which Kubernetes the clusters get.
 */
public record ProviderVersions(String kubernetes, String capi, String capv, String ipamInCluster) {

    static final String FILE_INVALID = "BOOTSTRAP_VERSIONS_INVALID";
    private static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");

    /** Reads and checks the file; every key must be there and look like {@code vX.Y.Z}. */
    public static ProviderVersions read(Path file) throws OperatorException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new OperatorException(
                    FILE_INVALID,
                    "cannot read the pinned versions in " + file + ": " + e.getMessage(),
                    "The appliance image writes this file; set pcg.agent.bootstrap.versions-file if it lives elsewhere.");
        }
        return parse(file.toString(), lines);
    }

    static ProviderVersions parse(String source, List<String> lines) throws OperatorException {
        Map<String, String> values = new HashMap<>();
        for (String line : lines) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || equals < 1) {
                continue;
            }
            values.put(
                    trimmed.substring(0, equals).strip(),
                    trimmed.substring(equals + 1).strip());
        }
        return new ProviderVersions(
                required(source, values, "KUBERNETES_VERSION"),
                required(source, values, "CAPI_VERSION"),
                required(source, values, "CAPV_VERSION"),
                required(source, values, "IPAM_IN_CLUSTER_VERSION"));
    }

    private static String required(String source, Map<String, String> values, String key) throws OperatorException {
        String value = values.get(key);
        if (value == null || !VERSION.matcher(value).matches()) {
            throw new OperatorException(
                    FILE_INVALID,
                    source + ": " + key
                            + (value == null ? " is missing" : " is '" + value + "', not a version like v1.2.3"),
                    "The image build writes " + key + "; rebuild the image or fix the file.");
        }
        return value;
    }
}
