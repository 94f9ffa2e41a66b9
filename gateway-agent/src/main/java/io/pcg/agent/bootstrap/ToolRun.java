package io.pcg.agent.bootstrap;

import io.pcg.common.errors.OperatorException;
import io.pcg.common.process.CommandRunner;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs one of the tools the bootstrap drives (kind, clusterctl) and turns a failure into an operator error that
 * shows the end of what the tool said, where kind and clusterctl explain themselves.
 */
public final class ToolRun {

    private static final int TAIL_LINES = 12;
    /** URL credentials (a proxy's) that a tool might echo; they must not reach an error, a log or an event. */
    private static final Pattern URL_USERINFO = Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/\\s@]+@");

    private ToolRun() {}

    /**
     * @param code the operator-error code on failure
     * @param what what the run does, e.g. "creating the kind management cluster 'pcg-bootstrap'"
     * @param hint what the operator should check when it fails
     */
    public static CommandRunner.Result run(
            CommandRunner runner, List<String> command, String code, String what, String hint)
            throws OperatorException {
        CommandRunner.Result result;
        try {
            result = runner.run(command);
        } catch (IOException e) {
            throw new OperatorException(
                    code, what + ": cannot run " + command.get(0) + " (" + e.getMessage() + ")", hint, e);
        }
        if (!result.succeeded()) {
            throw new OperatorException(code, what + " failed (exit " + result.exitCode() + "): " + tail(result), hint);
        }
        return result;
    }

    static String tail(CommandRunner.Result result) {
        String output = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        List<String> lines = output.lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        return URL_USERINFO.matcher(tail).replaceAll("${scheme}<redacted>@");
    }
}
