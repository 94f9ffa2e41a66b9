package io.pcg.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file written on a file system that is really full: a 64 KiB tmpfs, mounted for the test (the container
 * runs as root; without mount privileges the test is skipped and says why). The kernel's own ENOSPC reaches the
 * production write path, no fake in between.
 */
class AtomicFilesDiskFullIT {

    private static final String OLD_CONTENT = "gateway-id: gw-1\n";

    @TempDir
    Path mountPoint;

    private boolean mounted;

    @BeforeEach
    void mountTinyFileSystem() throws Exception {
        Process mount = new ProcessBuilder(
                        "mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes());
        assumeTrue(
                mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "a size-limited tmpfs needs mount privileges (root with CAP_SYS_ADMIN): " + output);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            assertThat(new ProcessBuilder("umount", mountPoint.toString())
                            .inheritIO()
                            .start()
                            .waitFor())
                    .isZero();
        }
    }

    @Test
    void aFullDiskFailsWithTheFileAndAHintAndLeavesTheOldFileWhole() throws Exception {
        Path state = mountPoint.resolve("state.yml");
        AtomicFiles.write(state, OLD_CONTENT, AtomicFiles.OWNER_ONLY);
        Path filler = mountPoint.resolve("filler");
        assertThat(catchThrowableOfType(IOException.class, () -> Files.write(filler, new byte[1 << 20])))
                .as("the filler takes every free block")
                .hasMessageContaining("No space left on device");

        IOException failure = catchThrowableOfType(
                IOException.class, () -> AtomicFiles.write(state, "x".repeat(32 * 1024), AtomicFiles.OWNER_ONLY));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage())
                .contains(state.toString())
                .contains("No space left on device")
                .contains("keeps its previous content")
                .contains("df -h " + mountPoint);
        assertThat(Files.readString(state)).isEqualTo(OLD_CONTENT);
        try (var files = Files.list(mountPoint)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary file left behind")
                    .containsExactlyInAnyOrder("state.yml", "filler");
        }

        Files.delete(filler);
        AtomicFiles.write(state, "gateway-id: gw-2\n", AtomicFiles.OWNER_ONLY);
        assertThat(Files.readString(state))
                .as("once space is free again the write succeeds")
                .isEqualTo("gateway-id: gw-2\n");
    }
}
