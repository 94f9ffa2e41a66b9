package io.pcg.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (ova-build/, cloud-init/, packaging/, scripts/, docs/), found via pcg.repo.dir. */
public final class RepoFiles {

    private RepoFiles() {}

    public static Path path(String relative) {
        String repo = System.getProperty("pcg.repo.dir");
        if (repo == null) {
            throw new IllegalStateException(
                    "system property pcg.repo.dir is not set: run the tests through Maven (scripts/test.sh)");
        }
        Path file = Path.of(repo).toAbsolutePath().normalize().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist");
        }
        return file;
    }
}
