package io.pcg.installer.apply;

import io.pcg.common.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The file system being configured, seen through a root directory: {@code /} on the appliance, a temporary directory
 * in tests and {@code apply --root}. Files are written with {@link AtomicFiles}, so a file holding the PIN is never
 * readable by others, not even for a moment, and a crash leaves the old or the new file, never half of one.
 */
public final class TargetFiles {

    public static final String PRIVATE = "rw-------";
    public static final String PUBLIC = "rw-r--r--";
    public static final String PRIVATE_DIRECTORY = "rwx------";
    private static final String PUBLIC_DIRECTORY = "rwxr-xr-x";

    private final Path root;

    public TargetFiles(Path root) {
        this.root = root;
    }

    public Path resolve(String absolutePath) {
        if (!absolutePath.startsWith("/")) {
            throw new IllegalArgumentException("target paths are absolute: " + absolutePath);
        }
        return root.resolve(absolutePath.substring(1));
    }

    public Optional<String> readIfExists(String absolutePath) throws IOException {
        Path file = resolve(absolutePath);
        return Files.isRegularFile(file)
                ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /** Creates the directory (and missing parents, 0755) and sets its mode even when it already exists. */
    public void directory(String absolutePath, String mode) throws IOException {
        Path directory = resolve(absolutePath);
        createParents(directory);
        if (!Files.isDirectory(directory)) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(permissions(mode)));
        }
        Files.setPosixFilePermissions(directory, permissions(mode));
    }

    public void write(String absolutePath, String content, String mode) throws IOException {
        Path target = resolve(absolutePath);
        createParents(target);
        AtomicFiles.write(target, content, permissions(mode));
    }

    /** {@code rw-------} as {@code 0600}, the way operators read modes. */
    public static String octal(String mode) {
        int bits = 0;
        for (char c : mode.toCharArray()) {
            bits = (bits << 1) | (c == '-' ? 0 : 1);
        }
        return String.format("0%o", bits);
    }

    private void createParents(Path path) throws IOException {
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createParents(parent);
            Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(permissions(PUBLIC_DIRECTORY)));
        }
    }

    private static Set<PosixFilePermission> permissions(String mode) {
        return PosixFilePermissions.fromString(mode);
    }
}
