package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The OVA that {@code ova-build/build.sh} wrote to ova-build/output/. Building it takes long (docs/installer.md), so
 * scripts/test.sh does not: the tests of the image run only where it has been built, and are skipped elsewhere.
 */
final class OvaImage {

    private final Path ova;
    private final String name;

    private OvaImage(Path ova, String name) {
        this.ova = ova;
        this.name = name;
    }

    /** The built OVA of the pinned appliance version; skips the calling test when there is none. */
    static OvaImage requireBuilt() throws IOException {
        String name = "pcg-installer-" + PackerVariables.pinned("appliance_version");
        Path ova = Path.of(System.getProperty("pcg.repo.dir"), "ova-build", "output", name + ".ova");
        assumeTrue(Files.isRegularFile(ova), ova + " is not built (ova-build/build.sh): the image tests need it");
        return new OvaImage(ova, name);
    }

    Path file() {
        return ova;
    }

    String descriptorName() {
        return name + ".ovf";
    }

    String manifestName() {
        return name + ".mf";
    }

    String diskName() {
        return name + "-disk1.vmdk";
    }

    /** The archive's members in their order. */
    List<String> members() throws IOException {
        return tar("-tf", ova.toString()).lines().toList();
    }

    /** Extracts the named members into {@code dir} and returns their paths there. */
    Path extract(Path dir, String member) throws IOException {
        tar("-xf", ova.toString(), "-C", dir.toString(), member);
        return dir.resolve(member);
    }

    private static String tar(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "tar";
        System.arraycopy(args, 0, command, 1, args.length);
        ExternalTool.Result result = ExternalTool.run(Path.of("."), Map.of(), command);
        assertThat(result.exitCode())
                .as("tar " + String.join(" ", args) + ":\n" + result.output())
                .isZero();
        return result.output();
    }
}
