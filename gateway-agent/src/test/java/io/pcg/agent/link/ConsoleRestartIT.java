package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.command.CommandDispatcher;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console restarts while the agent runs a command. The restarted console no longer has the payload (it never
 * stores one), so it asks for the result only; the agent answers from what it remembers and never runs the command
 * again: the command completes exactly once, with the agent's own result, whether it finished while the console was
 * down or after it came back.
 */
class ConsoleRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final DevConsoleExtension consoles = DevConsoleExtension.perTest();

    @TempDir
    Path tmp;

    @Test
    void aCommandFinishedWhileTheConsoleWasDownCompletesOnceWithItsResult() throws Exception {
        runAcrossARestart("pcg-restart-down", true);
    }

    @Test
    void aCommandFinishingAfterTheRestartCompletesOnceWithItsResult() throws Exception {
        runAcrossARestart("pcg-restart-after", false);
    }

    private void runAcrossARestart(String name, boolean finishWhileDown) throws Exception {
        DevConsole console = consoles.console();
        GatewayService.IssuedPin issued = console.createGateway(name);
        String gatewayId = issued.gateway().id();
        BlockingHandler blocking = new BlockingHandler();
        try (AgentRun agent = AgentRun.start(config(name, console, issued.pin()), Map.of(), List.of(blocking))) {
            agent.awaitConnected();
            String commandId = console.commands()
                    .submit(gatewayId, BlockingHandler.TYPE, "{\"note\": \"payload\"}")
                    .id();
            assertThat(blocking.started.await(30, TimeUnit.SECONDS))
                    .as("the handler started")
                    .isTrue();
            await("the agent acked it")
                    .atMost(WAIT)
                    .until(() -> console.commands().get(commandId).status() == CommandState.ACKED);

            console.close();
            agent.awaitProblem();
            if (finishWhileDown) {
                blocking.release.countDown();
            }
            Instant beforeRestart = Instant.now();
            DevConsole restarted = consoles.restart();
            // The restarted console still knows the command; an agent that finished while it was down may already
            // have reconnected and answered by the time this reads it.
            assertThat(restarted.commands().get(commandId).status())
                    .as("the restarted console kept the command")
                    .isIn(CommandState.ACKED, finishWhileDown ? CommandState.SUCCEEDED : CommandState.ACKED);
            agent.await(s -> s.phase() == AgentStatus.Phase.CONNECTED
                    && s.lastRegisteredAt().isAfter(beforeRestart));
            blocking.release.countDown();

            CommandRecord record = await("the command finished")
                    .atMost(WAIT)
                    .until(
                            () -> restarted.commands().get(commandId),
                            r -> r.status().isFinal());
            assertThat(record.status()).as(String.valueOf(record.error())).isEqualTo(CommandState.SUCCEEDED);
            assertThat(record.resultJson())
                    .as("the agent's own result of its only run")
                    .isEqualTo("{\"run\":1}");
            assertThat(blocking.runs.get()).as("the handler ran once").isEqualTo(1);
            assertThat(restarted.commands().list(gatewayId)).singleElement();
        } finally {
            blocking.release.countDown();
        }
        DevConsole again = consoles.restart();
        assertThat(again.commands().list(gatewayId))
                .as("the outcome is kept, not reopened")
                .singleElement()
                .satisfies(record -> assertThat(record.status()).isEqualTo(CommandState.SUCCEEDED));
    }

    @Test
    void aCommandTheRestartedAgentNoLongerKnowsFailsWithoutRunningAgain() throws Exception {
        DevConsole console = consoles.console();
        GatewayService.IssuedPin issued = console.createGateway("pcg-restart-both");
        String gatewayId = issued.gateway().id();
        AgentConfig config = config("pcg-restart-both", console, issued.pin());
        BlockingHandler first = new BlockingHandler();
        String commandId;
        try (AgentRun agent = AgentRun.start(config, Map.of(), List.of(first))) {
            agent.awaitConnected();
            commandId = console.commands()
                    .submit(gatewayId, BlockingHandler.TYPE, "{}")
                    .id();
            assertThat(first.started.await(30, TimeUnit.SECONDS))
                    .as("the handler started")
                    .isTrue();
            console.close();
        } finally {
            first.release.countDown();
        }
        BlockingHandler second = new BlockingHandler();
        second.release.countDown();
        try (AgentRun agent = AgentRun.start(config, Map.of(), List.of(second))) {
            DevConsole restarted = consoles.restart();
            agent.awaitConnected();
            CommandRecord record = await("the command finished")
                    .atMost(WAIT)
                    .until(
                            () -> restarted.commands().get(commandId),
                            r -> r.status().isFinal());
            assertThat(record.status()).isEqualTo(CommandState.FAILED);
            assertThat(record.error().code()).isEqualTo(CommandDispatcher.NOT_RECEIVED);
            assertThat(record.error().hint()).contains("submit the command again");
            assertThat(second.runs.get()).as("a result-only command never runs").isZero();
        }
    }

    private AgentConfig config(String name, DevConsole console, String pin) {
        return AgentRun.config(name, console.endpoint(), pin, tmp.resolve("agent"), console.caFile());
    }
}
