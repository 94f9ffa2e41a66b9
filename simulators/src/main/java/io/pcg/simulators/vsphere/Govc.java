package io.pcg.simulators.vsphere;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Simulator: runs govc against one vCenter through the project's process runner, for vCenter tasks. */
final class Govc {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final VcenterAccess access;
    private final CommandRunner runner;

    Govc(VcenterAccess access) {
        this.access = access;
        this.runner = new ProcessCommandRunner(TIMEOUT)
                .withEnvironment(Map.of(
                        "GOVC_URL",
                        "https://" + access.server() + "/sdk",
                        "GOVC_USERNAME",
                        access.username(),
                        "GOVC_PASSWORD",
                        access.password(),
                        "GOVC_INSECURE",
                        "1"));
    }

    /** Runs govc and returns its standard output, failing with govc's own message on a non-zero exit. */
    String call(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(access.govc().toString());
        command.addAll(List.of(args));
        CommandRunner.Result result = runner.run(command);
        if (!result.succeeded()) {
            throw new GovcException(args[0], (result.stderr() + result.stdout()).strip());
        }
        return result.stdout();
    }

    /** A failed govc command, with what govc printed. */
    static final class GovcException extends IOException {
        GovcException(String command, String output) {
            super("govc " + command + ": " + output);
        }
    }
}
