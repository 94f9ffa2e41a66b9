package io.pcg.console.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes files so that a crash leaves either the old or the new content, never half of one. */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** Writes world-readable content (certificates, records). */
    public static void write(Path target, byte[] content) {
        write(target, content, false);
    }

    /** Writes content only the owner can read (private keys); the mode is set before a single byte lands. */
    public static void writePrivate(Path target, byte[] content) {
        write(target, content, true);
    }

    private static void write(Path target, byte[] content, boolean ownerOnly) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(temp);
            createFile(temp, ownerOnly);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage()
                    + " (check that the console's data directory is writable)", e);
        }
    }

    private static void createFile(Path path, boolean ownerOnly) throws IOException {
        if (ownerOnly && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(path);
        }
    }
}
