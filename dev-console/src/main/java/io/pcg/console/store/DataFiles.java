package io.pcg.console.store;

import io.pcg.common.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Writes the console's data directory (CA, keys, records) with {@link AtomicFiles}. The console cannot go on without
 * its state, so a failed write is unchecked and says what the operator checks.
 */
public final class DataFiles {

    private DataFiles() {}

    /** Writes world-readable content (certificates, records). */
    public static void write(Path target, byte[] content) {
        write(target, content, AtomicFiles.WORLD_READABLE);
    }

    /** Writes content only the owner can read (private keys). */
    public static void writePrivate(Path target, byte[] content) {
        write(target, content, AtomicFiles.OWNER_ONLY);
    }

    private static void write(Path target, byte[] content, Set<PosixFilePermission> mode) {
        try {
            AtomicFiles.write(target, content, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write " + target + ": " + e.getMessage()
                            + " (check that the console's data directory is writable)",
                    e);
        }
    }
}
