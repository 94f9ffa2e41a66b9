package io.pcg.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pcg logs}: writes the support bundle with the installed {@code collect-logs.sh} and prints its path. The
 * script's progress goes to standard error as it comes; its last line of standard output is the bundle.
 */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description =
                "Writes the support bundle (collect-logs.sh) and prints its path. Run with sudo: it reads root-only files.")
final class LogsCommand implements Callable<Integer> {

    /** Where the image installs the script: the link on the PATH first, then the file it points to. */
    static final List<Path> INSTALLED =
            List.of(Path.of("/usr/local/bin/collect-logs.sh"), Path.of("/opt/pcg/scripts/collect-logs.sh"));

    @Spec
    CommandSpec spec;

    @Option(
            names = "--script",
            paramLabel = "FILE",
            description =
                    "collect-logs.sh to run (default: the first of /usr/local/bin/collect-logs.sh, /opt/pcg/scripts/collect-logs.sh).")
    Path script;

    @Parameters(
            paramLabel = "ARG",
            description = "Passed to collect-logs.sh after '--', e.g. -- --out /root --max-lines 2000.")
    List<String> scriptArguments = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<Path> found = script != null
                ? Optional.of(script)
                : INSTALLED.stream().filter(Files::isExecutable).findFirst();
        if (found.isEmpty() || !Files.isExecutable(found.get())) {
            spec.commandLine()
                    .getErr()
                    .println("pcg logs: "
                            + (found.isPresent()
                                    ? found.get() + " is not an executable file"
                                    : "collect-logs.sh is installed at neither " + INSTALLED.get(0) + " nor "
                                            + INSTALLED.get(1))
                            + ": pass --script with its path (in a checkout: scripts/collect-logs.sh)");
            return 1;
        }
        List<String> command = new ArrayList<>(List.of(found.get().toString()));
        command.addAll(scriptArguments);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        process.getOutputStream().close();
        List<String> output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        int exitCode = process.waitFor();
        if (exitCode != 0 || output.isEmpty()) {
            output.forEach(spec.commandLine().getErr()::println);
            spec.commandLine()
                    .getErr()
                    .println("pcg logs: " + found.get() + " wrote no bundle (exit " + exitCode
                            + "); its reason is above");
            return exitCode == 0 ? 1 : exitCode;
        }
        spec.commandLine().getOut().println("Support bundle: " + output.get(output.size() - 1));
        spec.commandLine()
                .getOut()
                .println("Attach it to the support ticket; secrets are redacted (docs/installer.md).");
        return 0;
    }
}
