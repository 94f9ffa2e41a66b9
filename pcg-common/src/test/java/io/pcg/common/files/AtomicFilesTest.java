package io.pcg.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesWithTheExactModeWhateverTheUmask() throws Exception {
        Path key = dir.resolve("key.pem");
        Path certificate = dir.resolve("cert.pem");

        AtomicFiles.write(key, "secret", AtomicFiles.OWNER_ONLY);
        AtomicFiles.write(certificate, "public", AtomicFiles.WORLD_READABLE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate)))
                .isEqualTo("rw-r--r--");
        assertThat(key).hasContent("secret");
    }

    @Test
    void replacesTheFileAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = dir.resolve("records.json");
        AtomicFiles.write(file, "old", AtomicFiles.WORLD_READABLE);

        AtomicFiles.write(file, "new", AtomicFiles.OWNER_ONLY);

        assertThat(file).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void createsMissingParentFolders() throws Exception {
        Path file = dir.resolve("data/console/pin.key");

        AtomicFiles.write(file, new byte[] {1, 2, 3}, AtomicFiles.OWNER_ONLY);

        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }
}
