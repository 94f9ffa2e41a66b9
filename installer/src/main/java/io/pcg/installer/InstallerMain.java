package io.pcg.installer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * First-boot installer of the PCG appliance: reads the vApp properties from the OVF environment, validates all of
 * them, then configures the VM and starts the agent. Run by cloud-init on first boot; operators and tests run it as
 * {@code scripts/pcg-installer}.
 */
@Command(
        name = "pcg-installer",
        mixinStandardHelpOptions = true,
        description = "Validates the OVF properties of the PCG installer VM and configures the VM from them.")
public final class InstallerMain {

    /** Exit code for invalid input: bad OVF properties, an unreadable OVF environment, a wrong option. */
    public static final int INVALID_INPUT = CommandLine.ExitCode.USAGE;
    /** Exit code when the input was valid but configuring the VM failed. */
    public static final int APPLY_FAILED = CommandLine.ExitCode.SOFTWARE;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(Host.system(), out, err, args));
    }

    public static int execute(Host host, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new InstallerMain())
                .addSubcommand(new ValidateCommand(host))
                .addSubcommand(new ApplyCommand(host));
        cli.setOut(out).setErr(err);
        int exitCode = cli.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }
}
