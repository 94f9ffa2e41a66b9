package io.pcg.installer;

import io.pcg.common.process.CommandRunner;
import io.pcg.installer.apply.ApplianceConfigurer;
import io.pcg.installer.apply.ApplyException;
import io.pcg.installer.apply.IssueBanner;
import io.pcg.installer.apply.TargetFiles;
import io.pcg.installer.host.RecordingCommandRunner;
import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironment;
import io.pcg.installer.ovf.OvfEnvironmentReader;
import io.pcg.installer.validation.InstallerSettings;
import io.pcg.installer.validation.Problem;
import io.pcg.installer.validation.SettingsValidator;
import io.pcg.installer.validation.Validation;
import io.pcg.installer.validation.VmAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Validates every OVF property; if all are valid, writes the agent's configuration, the SSH key and"
                    + " the proxy settings, starts the agent and writes the console banner.",
            "If any is invalid, prints every problem, writes them to the console banner (/etc/issue), changes nothing"
                    + " else and exits 2."
        })
final class ApplyCommand implements Callable<Integer> {

    private final Host host;

    @Mixin
    private OvfOptions options;

    @Option(
            names = "--root",
            paramLabel = "DIR",
            defaultValue = "/",
            description =
                    "Configure the tree under DIR as if it were / (default: /). Commands such as systemctl are then"
                            + " recorded, not run.")
    private Path root;

    @Spec
    private CommandSpec spec;

    ApplyCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean realSystem = root.toAbsolutePath().normalize().equals(Path.of("/"));
        CommandRunner commands = realSystem ? host.commands() : new RecordingCommandRunner();
        TargetFiles files = new TargetFiles(root);
        List<VmAddress> vmAddresses = options.vmAddresses(host);
        Optional<String> address = VmAddress.primary(vmAddresses);

        OvfEnvironmentReader.Found found;
        try {
            found = options.readEnvironment(host);
        } catch (InvalidOvfEnvironmentException e) {
            out.println("pcg-installer: ERROR " + e.getMessage());
            return refuse(out, files, List.of(e.getMessage()), address, e.hint());
        }
        Validation validation = new SettingsValidator().validate(found.environment(), vmAddresses);
        ValidateCommand.Report.print(out, found, validation);
        if (!validation.valid()) {
            return refuse(
                    out,
                    files,
                    validation.problems().stream().map(Problem::line).toList(),
                    address,
                    OvfEnvironment.REDEPLOY_ADVICE);
        }
        InstallerSettings settings = validation.settings().orElseThrow();
        try {
            new ApplianceConfigurer(files, commands, out).apply(settings);
        } catch (ApplyException e) {
            out.println("pcg-installer: ERROR " + e.getMessage());
            out.println("pcg-installer: " + e.hint());
            writeBanner(out, files, IssueBanner.failed(List.of(e.getMessage()), address, e.hint()));
            return InstallerMain.APPLY_FAILED;
        }
        out.println("pcg-installer: done");
        return 0;
    }

    private int refuse(
            PrintWriter out, TargetFiles files, List<String> problems, Optional<String> address, String advice) {
        out.println("pcg-installer: " + advice);
        writeBanner(out, files, IssueBanner.failed(problems, address, advice));
        return InstallerMain.INVALID_INPUT;
    }

    private static void writeBanner(PrintWriter out, TargetFiles files, String banner) {
        try {
            files.write(IssueBanner.PATH, banner, TargetFiles.PUBLIC);
        } catch (IOException e) {
            out.println("pcg-installer: ERROR cannot write the console banner " + IssueBanner.PATH + ": " + e);
        }
    }
}
