package io.pcg.packaging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** scripts/pcg-installer, the way cloud-init and reviewers run it: a JVM of its own, from the installer's shaded jar. */
final class PcgInstaller {

    /** The network the tests say the VM is on ({@code --vm-network}). */
    static final String VM_NETWORK = "10.10.0.7/24";

    private PcgInstaller() {}

    static ExternalTool.Result run(Path workingDirectory, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(
                List.of("bash", RepoFiles.path("scripts/pcg-installer").toString()));
        command.addAll(List.of(arguments));
        return ExternalTool.run(workingDirectory, Map.of(), command.toArray(String[]::new));
    }
}
