package io.pcg.agent.link;

import io.pcg.agent.command.CommandDispatcher;
import io.pcg.agent.command.CommandHandler;
import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.health.AgentStatus;
import io.pcg.common.agentconfig.AgentConfigKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The agent's link to the console, wired as the application wires it but with the environment (proxy variables)
 * and timings chosen by the test. Closing it is an agent shutdown; the identity stays in the state directory.
 */
public final class AgentRun implements AutoCloseable {

    /** gRPC's shortest keepalive interval; with the short timeout a black-holed connection is found within ~12 s. */
    static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);

    private final AgentStatus status;
    private final CommandDispatcher dispatcher;
    private final GatewayLink link;

    private AgentRun(AgentStatus status, CommandDispatcher dispatcher, GatewayLink link) {
        this.status = status;
        this.dispatcher = dispatcher;
        this.link = link;
    }

    /** With a configuration file that does not exist, so the PIN is taken out of none. */
    public static AgentConfig config(String name, String endpoint, String pin, Path stateDir, Path consoleCaFile) {
        return config(name, endpoint, pin, stateDir, consoleCaFile, stateDir.resolve("no-agent.yml"));
    }

    /** @param configFile where the PIN is taken out of once the identity is stored */
    public static AgentConfig config(
            String name, String endpoint, String pin, Path stateDir, Path consoleCaFile, Path configFile) {
        return new AgentConfig(
                name,
                endpoint,
                pin,
                stateDir,
                Duration.ofSeconds(15),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                KEEPALIVE_TIME,
                KEEPALIVE_TIMEOUT,
                Duration.ofSeconds(5),
                AgentConfigKeys.DEFAULT_POD_CIDR,
                AgentConfigKeys.DEFAULT_SERVICE_CIDR,
                consoleCaFile,
                null,
                configFile);
    }

    public static AgentRun start(AgentConfig config, Map<String, String> environment) {
        return start(config, environment, Clock.systemUTC());
    }

    /** @param clock the agent's clock, e.g. one set ahead so that its certificate looks expired */
    public static AgentRun start(AgentConfig config, Map<String, String> environment, Clock clock) {
        return start(config, environment, clock, List.of());
    }

    /** @param handlers the test's own command handlers, beside {@code agent.ping} */
    public static AgentRun start(AgentConfig config, Map<String, String> environment, List<CommandHandler> handlers) {
        return start(config, environment, Clock.systemUTC(), handlers);
    }

    private static AgentRun start(
            AgentConfig config, Map<String, String> environment, Clock clock, List<CommandHandler> handlers) {
        AgentStatus status = new AgentStatus(config.consoleEndpoint(), clock);
        List<CommandHandler> all = new ArrayList<>(handlers);
        all.add(new PingCommandHandler());
        CommandDispatcher dispatcher = new CommandDispatcher(all, 4, 4096, 4096);
        GatewayLink link = new GatewayLink(config, environment, "0.0.0-test", dispatcher, status, clock);
        link.start();
        return new AgentRun(status, dispatcher, link);
    }

    public AgentStatus.Snapshot status() {
        return status.snapshot();
    }

    /** Waits (up to 30 s, a bound for slow CI, not a performance assertion) until the status matches. */
    public AgentStatus.Snapshot await(Predicate<AgentStatus.Snapshot> condition) {
        try {
            return Awaitility.await("agent status")
                    .atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(status::snapshot, condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("agent status never matched; last: " + status.snapshot(), e);
        }
    }

    public AgentStatus.Snapshot awaitConnected() {
        return await(s -> s.phase() == AgentStatus.Phase.CONNECTED);
    }

    /** Waits until the agent gave up or is retrying with a problem. */
    public AgentStatus.Snapshot awaitProblem() {
        return await(s -> !s.problem().isEmpty());
    }

    @Override
    public void close() {
        link.close();
        dispatcher.close();
    }
}
