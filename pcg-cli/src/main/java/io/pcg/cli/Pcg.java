package io.pcg.cli;

import io.pcg.cli.doctor.DoctorCommand;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pcg}: troubleshooting the appliance over SSH. Talks to the agent over its 127.0.0.1 management port only,
 * so it keeps working (and says so) when the agent does not.
 */
@Command(
        name = "pcg",
        mixinStandardHelpOptions = true,
        description = "Troubleshoots the Private Cloud Gateway appliance: status, doctor, events, logs.")
public final class Pcg {

    /** Exit code when the agent cannot be asked: not running, or not answering on its management port. */
    public static final int AGENT_UNREACHABLE = 3;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            defaultValue = AgentConfigFile.DEFAULT_PATH,
            description =
                    "The agent's configuration, for its management port and console endpoint (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--agent-url",
            paramLabel = "URL",
            description = "The agent's management port, e.g. http://127.0.0.1:8899 (default: the port in --config).")
    URI agentUrl;

    private final Map<String, String> environment;

    Pcg(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(System.getenv(), out, err, args));
    }

    /** Runs one command; {@code environment} stands for the process environment (proxy variables). */
    public static int execute(Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
        Pcg pcg = new Pcg(environment);
        CommandLine cli = new CommandLine(pcg)
                .addSubcommand(new StatusCommand())
                .addSubcommand(new DoctorCommand())
                .addSubcommand(new EventsCommand())
                .addSubcommand(new LogsCommand());
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof AgentConfigFile.UnreadableException unreadable) {
                commandLine.getErr().println("pcg: " + unreadable.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw exception;
        });
        int exitCode = cli.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    public Path configFile() {
        return config;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** The agent's settings as the CLI needs them; only read when a command asks. */
    public AgentConfigFile agentConfig() throws AgentConfigFile.UnreadableException {
        return AgentConfigFile.read(config);
    }

    /** The management port: {@code --agent-url}, else the port in the agent's configuration. */
    public AgentClient agent() throws AgentConfigFile.UnreadableException {
        return new AgentClient(
                agentUrl != null
                        ? agentUrl
                        : URI.create("http://127.0.0.1:" + agentConfig().managementPort()));
    }
}
