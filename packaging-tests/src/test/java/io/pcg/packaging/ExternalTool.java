package io.pcg.packaging;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a real program (packer, cloud-init, our scripts) for the *IT tests; a missing program fails the test. */
public final class ExternalTool {

    /** A bound for packer and a JVM start on a loaded CI machine, not a performance assertion. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** @param output standard output, then standard error */
    public record Result(int exitCode, String output) {}

    private ExternalTool() {}

    /** Fails, saying how to install it, when the program is not on the PATH. */
    public static String require(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return program;
            }
        }
        throw new AssertionError(
                program + " is not installed: run scripts/test.sh, which installs it (scripts/lib/deps.sh)");
    }

    public static Result run(Path workingDirectory, Map<String, String> environment, String... command)
            throws IOException {
        Map<String, String> variables = new HashMap<>(environment);
        // packer would otherwise phone home for update checks; CI has no internet.
        variables.put("CHECKPOINT_DISABLE", "1");
        CommandRunner.Result result = new ProcessCommandRunner(TIMEOUT)
                .in(workingDirectory)
                .withEnvironment(variables)
                .run(List.of(command));
        return new Result(result.exitCode(), result.stdout() + result.stderr());
    }
}
