package io.pcg.common.process;

import java.io.IOException;
import java.util.List;

/**
 * Runs programs to completion (vmtoolsd, systemctl, chown on the appliance; packer, govc in tests) and hands back
 * what they printed. {@link ProcessCommandRunner} really runs them; a dry run only records them.
 */
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

    /** True when commands are only recorded (a dry run such as {@code apply --root}), so output must not claim they ran. */
    default boolean recordsOnly() {
        return false;
    }
}
