package io.pcg.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pcg status}: the agent's view, from its management port. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Pairing, console link, certificate, proxy, gateway cluster and vCenter, as the agent sees them.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Pcg pcg;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws AgentConfigFile.UnreadableException {
        AgentClient agent = pcg.agent();
        try {
            spec.commandLine().getOut().print(StatusView.render(agent.status(), Instant.now()));
            return 0;
        } catch (AgentClient.UnreachableException e) {
            spec.commandLine().getErr().println("pcg status: " + e.getMessage());
            return Pcg.AGENT_UNREACHABLE;
        }
    }
}
