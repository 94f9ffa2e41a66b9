package io.pcg.installer.host;

import io.pcg.common.process.CommandRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * Records commands instead of running them and reports success: {@code apply --root DIR} configures a directory
 * tree, not this machine, so it must not restart this machine's services.
 */
public final class RecordingCommandRunner implements CommandRunner {

    private final List<List<String>> commands = new ArrayList<>();

    @Override
    public Result run(List<String> command) {
        commands.add(List.copyOf(command));
        return new Result(0, "", "");
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    public List<List<String>> commands() {
        return List.copyOf(commands);
    }
}
