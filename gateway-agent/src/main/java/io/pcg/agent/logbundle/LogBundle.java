package io.pcg.agent.logbundle;

import java.nio.file.Path;

/**
 * A support bundle collect-logs.sh wrote, ready to upload.
 *
 * @param file      where it is on the appliance
 * @param sizeBytes its exact size
 * @param sha256    SHA-256 of its bytes, lower-case hex
 */
public record LogBundle(Path file, long sizeBytes, String sha256) {

    /** The name the script gave it, {@code pcg-logs-<host>-<UTC time>.tgz}. */
    public String fileName() {
        return file.getFileName().toString();
    }
}
