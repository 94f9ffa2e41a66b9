package io.pcg.installer.host;

import java.io.IOException;
import java.util.List;

/** Runs programs on the appliance (vmtoolsd, systemctl, chown). Tests and --root mode use a recording fake. */
public interface CommandRunner {

    record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * @throws IOException when the program cannot be started at all (e.g. it is not installed)
     */
    Result run(List<String> command) throws IOException;

    /** True when commands are only recorded (apply --root), so output must not claim they ran. */
    default boolean recordsOnly() {
        return false;
    }
}
