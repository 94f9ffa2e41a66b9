package io.pcg.agent.state;

import io.pcg.common.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** State as files in a folder: 0600, written atomically, a sub-folder (for keys) 0700. */
public final class LocalStateStorage implements StateStorage {

    private final Path directory;

    public LocalStateStorage(Path directory) {
        this.directory = directory;
    }

    @Override
    public Optional<byte[]> read(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file(name)));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
    }

    @Override
    public void write(String name, byte[] content) throws IOException {
        Path file = file(name);
        Files.createDirectories(directory);
        if (!file.getParent().equals(directory)) {
            Files.createDirectories(
                    file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        AtomicFiles.write(file, content, AtomicFiles.OWNER_ONLY);
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    @Override
    public String describe(String name) {
        return file(name).toString();
    }

    private Path file(String name) {
        return directory.resolve(name);
    }
}
