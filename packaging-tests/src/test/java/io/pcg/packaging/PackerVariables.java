package io.pcg.packaging;

import java.io.IOException;
import java.nio.file.Files;

/** The pinned inputs of the appliance build, ova-build/packer/pcg-installer.pkrvars.hcl ({@code name = "value"} lines). */
final class PackerVariables {

    static final String FILE = "ova-build/packer/pcg-installer.pkrvars.hcl";

    private PackerVariables() {}

    static String pinned(String name) throws IOException {
        return Files.readString(RepoFiles.path(FILE))
                .lines()
                .filter(line -> line.matches(name + "\\s*=.*"))
                .findFirst()
                .map(line -> line.replaceAll(".*\"(.*)\".*", "$1"))
                .orElseThrow(() -> new AssertionError(name + " is not set in " + FILE));
    }
}
