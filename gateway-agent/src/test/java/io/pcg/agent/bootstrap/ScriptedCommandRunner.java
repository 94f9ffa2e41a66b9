package io.pcg.agent.bootstrap;

import io.pcg.common.process.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A fake for the tools the bootstrap runs: records every command line and answers from a script. */
public final class ScriptedCommandRunner implements CommandRunner {

    private final Function<List<String>, Result> script;
    private final List<List<String>> commands = new ArrayList<>();

    public ScriptedCommandRunner(Function<List<String>, Result> script) {
        this.script = script;
    }

    public static Result ok(String stdout) {
        return new Result(0, stdout, "");
    }

    @Override
    public synchronized Result run(List<String> command) {
        commands.add(List.copyOf(command));
        return script.apply(command);
    }

    public synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }
}
