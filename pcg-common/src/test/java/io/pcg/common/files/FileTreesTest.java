package io.pcg.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path dir;

    @Test
    void deletesAFolderWithEverythingBelowItAndLeavesWhatALinkPointsTo() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "kept");
        Path root = Files.createDirectories(dir.resolve("root/a/b"));
        Files.writeString(root.resolve("file.txt"), "x");
        Files.writeString(dir.resolve("root/top.txt"), "y");
        Files.createSymbolicLink(dir.resolve("root/a/link"), outside);

        FileTrees.delete(dir.resolve("root"));

        assertThat(dir.resolve("root")).doesNotExist();
        assertThat(outside).hasContent("kept");
    }

    @Test
    void aMissingFolderIsNothingToDo() throws Exception {
        FileTrees.delete(dir.resolve("never-created"));

        assertThat(dir).isEmptyDirectory();
    }
}
