package io.pcg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pcg events [--follow]}: the agent's latest events, as the console's events tab gets them. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "The agent's latest events (it keeps the last 1000, across restarts), oldest first.")
final class EventsCommand implements Callable<Integer> {

    @ParentCommand
    Pcg pcg;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new events as they happen (Ctrl-C ends).")
    boolean follow;

    @Option(
            names = "--interval",
            defaultValue = "2s",
            paramLabel = "DURATION",
            description = "How often --follow asks the agent, e.g. 500ms, 2s (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration interval;

    @Override
    public Integer call() throws AgentConfigFile.UnreadableException, InterruptedException {
        AgentClient agent = pcg.agent();
        PrintWriter out = spec.commandLine().getOut();
        long seen = 0;
        do {
            JsonNode answer;
            try {
                answer = agent.eventsAfter(seen);
            } catch (AgentClient.UnreachableException e) {
                spec.commandLine().getErr().println("pcg events: " + e.getMessage());
                if (!follow) {
                    return Pcg.AGENT_UNREACHABLE;
                }
                Thread.sleep(interval.toMillis());
                continue;
            }
            if (answer.path("latest").asLong() < seen) {
                // The agent lost its event log (a new state directory) and numbers from 1 again: everything it has is
                // new.
                seen = 0;
                continue;
            }
            for (JsonNode event : answer.path("events")) {
                out.println(render(event));
                seen = Math.max(seen, event.path("sequence").asLong());
            }
            out.flush();
            if (follow) {
                Thread.sleep(interval.toMillis());
            }
        } while (follow);
        return 0;
    }

    static String render(JsonNode event) {
        String object = Json.text(event, "object");
        return String.format(
                "%s  %-7s %-24s %s%s",
                Json.text(event, "time"),
                Json.text(event, "severity"),
                Json.text(event, "reason"),
                object.isEmpty() ? "" : object + ": ",
                Json.text(event, "message"));
    }
}
