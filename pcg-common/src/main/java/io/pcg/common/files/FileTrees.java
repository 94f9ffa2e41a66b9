package io.pcg.common.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole folders at once. */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes {@code root} and everything below it, deepest first, without following links; nothing when it does not
     * exist. On failure part of the tree may be gone already; a repeat finishes the job.
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
