package io.pcg.installer.ovf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** An ovf-env.xml given on the command line (tests, reviewers, re-running by hand). */
public final class OvfEnvironmentFile implements OvfEnvironmentSource {

    private final Path file;

    public OvfEnvironmentFile(Path file) {
        this.file = file;
    }

    @Override
    public String description() {
        return "file " + file;
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        return Optional.of(Files.readAllBytes(file));
    }
}
