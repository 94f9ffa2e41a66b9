package io.pcg.installer;

import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironmentReader;
import io.pcg.installer.validation.Problem;
import io.pcg.installer.validation.SettingsValidator;
import io.pcg.installer.validation.Validation;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Checks every OVF property and changes nothing. Exit 0 when valid, 2 with one line per problem.")
final class ValidateCommand implements Callable<Integer> {

    private final Host host;

    @Mixin
    private OvfOptions options;

    @Spec
    private CommandSpec spec;

    ValidateCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OvfEnvironmentReader.Found found;
        try {
            found = options.readEnvironment(host);
        } catch (InvalidOvfEnvironmentException e) {
            out.println("pcg-installer: ERROR " + e.getMessage());
            return InstallerMain.INVALID_INPUT;
        }
        Validation validation = new SettingsValidator().validate(found.environment(), options.vmAddresses(host));
        Report.print(out, found, validation);
        if (!validation.valid()) {
            return InstallerMain.INVALID_INPUT;
        }
        out.println("pcg-installer: NO_PROXY="
                + String.join(",", validation.settings().orElseThrow().effectiveNoProxy()));
        return 0;
    }

    /** What both commands print about a validation, one line each. */
    static final class Report {
        private Report() {}

        static void print(PrintWriter out, OvfEnvironmentReader.Found found, Validation validation) {
            out.println("pcg-installer: OVF environment read from " + found.source());
            validation.notes().forEach(note -> out.println("pcg-installer: note: " + note));
            for (Problem problem : validation.problems()) {
                out.println("pcg-installer: ERROR " + problem.line());
            }
            out.println(
                    validation.valid()
                            ? "pcg-installer: all OVF properties are valid"
                            : "pcg-installer: " + validation.problems().size() + " OVF propert"
                                    + (validation.problems().size() == 1 ? "y is" : "ies are")
                                    + " invalid; nothing was changed");
        }
    }
}
