package io.pcg.simulators;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Simulator: runs the real {@code clusterctl} (v1.13.5, built by scripts/lib/build-clusterctl.sh) as a child
 * process with an empty configuration folder of its own and the version check off, for tests, benchmarks and the
 * demo (the appliance runs its own clusterctl). Its folder comes from system property
 * {@code pcg.clusterctl.bin} (failsafe sets it from {@code CLUSTERCTL_BIN}) or environment variable
 * {@code CLUSTERCTL_BIN}.
 */
public final class Clusterctl {

    /** Move waits up to ~2 minutes for block-move annotations; leave room for a loaded machine. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path binary;
    private final Path configHome;

    public Clusterctl(Path binary) {
        this.binary = binary;
        try {
            this.configHome = Files.createTempDirectory("pcg-clusterctl-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a configuration folder for clusterctl", e);
        }
    }

    /** The folder holding clusterctl, or a clear error saying how to build it. */
    public static Path binDir() {
        String dir = System.getProperty("pcg.clusterctl.bin", System.getenv("CLUSTERCTL_BIN"));
        if (dir == null || dir.isBlank() || dir.contains("${") || !Files.isExecutable(Path.of(dir, "clusterctl"))) {
            throw new IllegalStateException("clusterctl not found: set system property pcg.clusterctl.bin (or env "
                    + "CLUSTERCTL_BIN) to the folder printed by scripts/lib/build-clusterctl.sh "
                    + "(scripts/lib/deps.sh runs it), got '" + dir + "'");
        }
        return Path.of(dir);
    }

    /** clusterctl from {@link #binDir()}. */
    public static Clusterctl find() {
        return new Clusterctl(binDir().resolve("clusterctl"));
    }

    /** {@code clusterctl move --kubeconfig from --to-kubeconfig to -n namespace}; what it printed, whatever the exit. */
    public CommandRunner.Result move(Path fromKubeconfig, Path toKubeconfig, String namespace) throws IOException {
        return run(
                "move",
                "--kubeconfig",
                fromKubeconfig.toString(),
                "--to-kubeconfig",
                toKubeconfig.toString(),
                "-n",
                namespace,
                "-v",
                "3");
    }

    public CommandRunner.Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        return new ProcessCommandRunner(TIMEOUT)
                .withEnvironment(Map.of(
                        "CLUSTERCTL_DISABLE_VERSIONCHECK", "true",
                        "XDG_CONFIG_HOME", configHome.toString(),
                        "HOME", configHome.toString()))
                .run(command);
    }
}
