package io.pcg.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a crash or a power cut leaves either the old or the new content, never half of one, and so
 * that a secret is never readable by others, not even for a moment. The one way the appliance, the agent and the
 * dev-console write state and configuration files.
 *
 * <p>The content goes to a temporary file in the target's folder (a rename is only atomic within one file system),
 * which gets its final mode before the first byte is written; it is flushed to disk, renamed over the target, and
 * the folder is flushed too, so the rename itself survives a power cut.
 */
public final class AtomicFiles {

    /** Private keys, PINs, passwords: {@code 0600}. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** Certificates, records, banners: {@code 0644}. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {}

    /** Writes {@code content} as UTF-8; see {@link #write(Path, byte[], Set)}. */
    public static void write(Path target, String content, Set<PosixFilePermission> mode) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /**
     * Replaces {@code target} with {@code content}, creating missing parent folders (with the default mode).
     * The mode is ignored on file systems without POSIX permissions.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        boolean posix = supportsPosix(directory.getFileSystem());
        Path temporary = posix
                ? Files.createTempFile(
                        directory, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(mode))
                : Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            if (posix) {
                // createTempFile's mode is filtered by the umask: set it again so that 0644 really is 0644.
                Files.setPosixFilePermissions(temporary, mode);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            } catch (IOException e) {
                // The JDK's text ("No space left on device") names neither the file nor what to do about it.
                throw new IOException(
                        "cannot write " + target + " (" + e.getMessage() + "); it keeps its previous "
                                + "content. Free space on the file system holding " + directory + " (df -h " + directory
                                + ") and try again",
                        e);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        if (posix) {
            forceDirectory(directory);
        }
    }

    /** Flushes the folder's entries (the rename) to disk; Linux allows this on a folder opened for reading. */
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static boolean supportsPosix(FileSystem fileSystem) {
        return fileSystem.supportedFileAttributeViews().contains("posix");
    }
}
