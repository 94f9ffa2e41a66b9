package io.pcg.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.health.AgentStatus;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.ClusterStatusService;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import io.pcg.testkit.logging.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events and the cluster status from the agent, wired as the application wires it, to the real dev-console: in
 * order, across a console restart, with the buffer overflowing while the console is down, and across agent restarts
 * (the same state directory), also while the console is down.
 *
 * <p>The console is an {@link EmbeddedConsole} rather than the test kit's {@code DevConsole}, because the test reads
 * the events the console recorded and {@code DevConsole} does not hand them out.
 */
class EventsConsoleIT {

    /** A bound for a loaded CI machine, not a performance assertion. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final String NAME = "pcg-events";
    private static final String PROXY_PASSWORD = "Pr0xy-Secret-4417";

    @TempDir
    Path tmp;

    @Test
    void eventsAndTheLatestClusterStatusArriveInOrderIncludingThosePublishedWhileTheConsoleWasDown() {
        Path consoleDir = tmp.resolve("console");
        EmbeddedConsole console = EmbeddedConsole.start(consoleDir);
        int grpcPort = console.grpcPort();
        GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
        String gatewayId = issued.gateway().id();
        try (ApplicationContext agent = startAgent(console.endpoint(), console.caFile(), issued.pin(), 3)) {
            AgentStatus status = agent.getBean(AgentStatus.class);
            EventPublisher events = agent.getBean(EventPublisher.class);
            ClusterStatusReporter cluster = agent.getBean(ClusterStatusReporter.class);
            awaitPhase(status, AgentStatus.Phase.CONNECTED);

            try (LogCapture logs = LogCapture.capture()) {
                events.info("Step1", "gateway/" + NAME, "the first event");
                cluster.report(status(ClusterState.CLUSTER_STATE_PROVISIONING, false));
                EmbeddedConsole first = console;
                awaitUntil(
                        "Step1 reaches the console",
                        () -> agentReasons(first, gatewayId),
                        reasons -> reasons.contains("Step1"));
                awaitUntil(
                        "the console shows the cluster Provisioning",
                        () -> clusterState(first, gatewayId),
                        "Provisioning"::equals);

                console.close();
                // Once the agent's status leaves CONNECTED, the link has told the publisher the stream is gone.
                awaitUntil(
                        "the agent notices the console is gone",
                        () -> status.snapshot().phase(),
                        phase -> phase != AgentStatus.Phase.CONNECTED);
                for (int step = 2; step <= 5; step++) {
                    events.info("Step" + step, "gateway/" + NAME, "published while the console is down");
                }
                events.warning(
                        "ProxyRefused",
                        "",
                        "proxy http://pcg:" + PROXY_PASSWORD + "@proxy.example.com:3128 refused CONNECT");
                cluster.report(status(ClusterState.CLUSTER_STATE_PROVISIONING, true));
                cluster.report(status(ClusterState.CLUSTER_STATE_RUNNING, true));

                console = EmbeddedConsole.start(consoleDir, Map.of("pcg.console.grpc-port", grpcPort), null);
                awaitPhase(status, AgentStatus.Phase.CONNECTED);
                events.info("Step6", "gateway/" + NAME, "published after the reconnect");

                EmbeddedConsole restarted = console;
                List<String> reasons = awaitUntil(
                        "every kept event reaches the restarted console",
                        () -> agentReasons(restarted, gatewayId),
                        seen -> seen.contains("Step6"));
                assertThat(reasons)
                        .as("the console kept Step1 across its restart; buffer of 3: Step2 and Step3 were"
                                + " dropped, the rest came in order")
                        .containsExactly(
                                "Step1", EventPublisher.EVENTS_DROPPED, "Step4", "Step5", "ProxyRefused", "Step6");
                List<GatewayEvent> received = agentEvents(restarted, gatewayId);
                assertThat(received.get(1).message()).startsWith("2 older event(s) were dropped");
                assertThat(received.get(4).message())
                        .contains("http://pcg:<redacted>@proxy.example.com:3128")
                        .doesNotContain(PROXY_PASSWORD);

                awaitUntil(
                        "the console shows the cluster Running",
                        () -> clusterState(restarted, gatewayId),
                        "Running"::equals);
                ClusterStatusRecord running = restarted
                        .context()
                        .getBean(GatewayStore.class)
                        .get(gatewayId)
                        .cluster();
                assertThat(running.managementCluster()).isEqualTo("gateway");
                assertThat(running.nodes())
                        .extracting(ClusterStatusRecord.Node::ready)
                        .containsExactly(true);
                // The console records its state-change event after it stores the status: wait for it.
                List<String> stateChanges = awaitUntil(
                        "the console records the change to Running",
                        () -> restarted.context().getBean(GatewayEvents.class).list(gatewayId).stream()
                                .filter(event -> event.reason().equals(ClusterStatusService.STATE_CHANGED))
                                .map(GatewayEvent::message)
                                .toList(),
                        changes ->
                                changes.stream().anyMatch(change -> change.startsWith("Gateway cluster is Running")));
                assertThat(stateChanges)
                        .as("kept across the console restart; after it only the latest status was sent: no stale"
                                + " Provisioning")
                        .satisfiesExactly(
                                pending -> assertThat(pending).startsWith("Gateway cluster is Pending"),
                                provisioning -> assertThat(provisioning)
                                        .startsWith("Gateway cluster is Provisioning (was Pending)"),
                                latest ->
                                        assertThat(latest).startsWith("Gateway cluster is Running (was Provisioning)"));
                assertThat(logs.all()).doesNotContain(PROXY_PASSWORD);
            }
        } finally {
            console.close();
        }
    }

    @Test
    void eventsSurviveAnAgentRestartWithEveryFieldInOrderAndOnce() {
        EmbeddedConsole console = EmbeddedConsole.start(tmp.resolve("console"));
        GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
        String gatewayId = issued.gateway().id();
        try {
            try (ApplicationContext agent = startAgent(console.endpoint(), console.caFile(), issued.pin(), 100)) {
                awaitPhase(agent.getBean(AgentStatus.class), AgentStatus.Phase.CONNECTED);
                EventPublisher events = agent.getBean(EventPublisher.class);
                events.info("Before1", "gateway/" + NAME, "published before the restart");
                events.publish(
                        EventSeverity.EVENT_SEVERITY_ERROR,
                        "Before2",
                        "node/" + NAME + "-a",
                        "failed before the restart",
                        "cmd-1");
                awaitUntil(
                        "both reach the console",
                        () -> agentReasons(console, gatewayId),
                        seen -> seen.contains("Before2"));
            }
            try (ApplicationContext agent = startAgent(console.endpoint(), console.caFile(), issued.pin(), 100)) {
                awaitPhase(agent.getBean(AgentStatus.class), AgentStatus.Phase.CONNECTED);
                EventPublisher events = agent.getBean(EventPublisher.class);
                events.info("After1", "gateway/" + NAME, "published after the restart");
                awaitUntil(
                        "the new event reaches the console",
                        () -> agentReasons(console, gatewayId),
                        seen -> seen.contains("After1"));

                assertThat(agentReasons(console, gatewayId))
                        .as("nothing sent twice")
                        .containsExactly("Before1", "Before2", "After1");
                assertThat(events.recentAfter(0))
                        .as("GET /events still has the history, numbered on")
                        .extracting(Event::getReason, Event::getSequence)
                        .containsExactly(tuple("Before1", 1L), tuple("Before2", 2L), tuple("After1", 3L));
                Event restored = events.recentAfter(0).get(1);
                assertThat(restored.getSeverity()).isEqualTo(EventSeverity.EVENT_SEVERITY_ERROR);
                assertThat(restored.getObject()).isEqualTo("node/" + NAME + "-a");
                assertThat(restored.getMessage()).isEqualTo("failed before the restart");
                assertThat(restored.getCommandId()).isEqualTo("cmd-1");
                assertThat(restored.hasTime()).isTrue();
            }
        } finally {
            console.close();
        }
    }

    @Test
    void eventsWaitingForTheConsoleSurviveAnAgentRestartAndArriveInOrderOnce() {
        Path consoleDir = tmp.resolve("console");
        EmbeddedConsole console = EmbeddedConsole.start(consoleDir);
        int grpcPort = console.grpcPort();
        String endpoint = console.endpoint();
        Path caFile = console.caFile();
        GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
        String gatewayId = issued.gateway().id();
        try {
            try (ApplicationContext agent = startAgent(console.endpoint(), console.caFile(), issued.pin(), 100)) {
                AgentStatus status = agent.getBean(AgentStatus.class);
                awaitPhase(status, AgentStatus.Phase.CONNECTED);
                EventPublisher events = agent.getBean(EventPublisher.class);
                events.info("Delivered", "gateway/" + NAME, "reaches the console at once");
                EmbeddedConsole first = console;
                awaitUntil(
                        "the first event reaches the console",
                        () -> agentReasons(first, gatewayId),
                        seen -> seen.contains("Delivered"));
                console.close();
                awaitUntil(
                        "the agent notices the console is gone",
                        () -> status.snapshot().phase(),
                        phase -> phase != AgentStatus.Phase.CONNECTED);
                events.info("Waiting1", "gateway/" + NAME, "published while the console is down");
                events.warning("Waiting2", "gateway/" + NAME, "also while the console is down");
            }
            try (ApplicationContext agent = startAgent(endpoint, caFile, issued.pin(), 100)) {
                agent.getBean(EventPublisher.class)
                        .info(
                                "Waiting3",
                                "gateway/" + NAME,
                                "published after the agent restart, the console still down");

                console = EmbeddedConsole.start(consoleDir, Map.of("pcg.console.grpc-port", grpcPort), null);
                EmbeddedConsole restarted = console;
                awaitUntil(
                        "what waited reaches the console",
                        () -> agentReasons(restarted, gatewayId),
                        seen -> seen.contains("Waiting3"));
                assertThat(agentReasons(restarted, gatewayId))
                        .as("in order, nothing twice")
                        .containsExactly("Delivered", "Waiting1", "Waiting2", "Waiting3");
            }
        } finally {
            console.close();
        }
    }

    private ApplicationContext startAgent(String consoleEndpoint, Path consoleCaFile, String pin, int bufferSize) {
        EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class,
                Map.of(
                        "micronaut.server.port",
                        -1,
                        "pcg.agent.name",
                        NAME,
                        "pcg.agent.console-endpoint",
                        consoleEndpoint,
                        "pcg.agent.pairing-code",
                        pin,
                        "pcg.agent.state-dir",
                        tmp.resolve("agent").toString(),
                        "pcg.agent.console-ca-file",
                        consoleCaFile.toString(),
                        "pcg.agent.reconnect-max-delay",
                        "1s",
                        "pcg.agent.events.buffer-size",
                        bufferSize),
                GatewayAgentApplication.ENVIRONMENT);
        return server.getApplicationContext();
    }

    /** The whole picture, as the agent reports it: one control-plane node, ready or not. */
    private static ClusterStatus status(ClusterState state, boolean ready) {
        ConditionStatus readiness =
                ready ? ConditionStatus.CONDITION_STATUS_TRUE : ConditionStatus.CONDITION_STATUS_FALSE;
        return ClusterStatus.newBuilder()
                .setState(state)
                .setManagementCluster(state == ClusterState.CLUSTER_STATE_RUNNING ? "gateway" : "bootstrap")
                .addConditions(
                        Condition.newBuilder().setType("ControlPlaneReady").setStatus(readiness))
                .addNodes(ClusterNode.newBuilder()
                        .setName(NAME + "-abcde")
                        .setIp("10.10.1.21")
                        .setRole("control-plane")
                        .setReady(ready))
                .build();
    }

    private static List<GatewayEvent> agentEvents(EmbeddedConsole console, String gatewayId) {
        return console.context().getBean(GatewayEvents.class).list(gatewayId).stream()
                .filter(event -> event.source().equals(GatewayEvent.FROM_AGENT))
                .toList();
    }

    private static List<String> agentReasons(EmbeddedConsole console, String gatewayId) {
        return agentEvents(console, gatewayId).stream()
                .map(GatewayEvent::reason)
                .toList();
    }

    private static String clusterState(EmbeddedConsole console, String gatewayId) {
        ClusterStatusRecord cluster =
                console.context().getBean(GatewayStore.class).get(gatewayId).cluster();
        return cluster == null ? null : cluster.state();
    }

    private static void awaitPhase(AgentStatus status, AgentStatus.Phase phase) {
        awaitUntil("the agent is " + phase, () -> status.snapshot().phase(), phase::equals);
    }

    private static <T> T awaitUntil(String what, Callable<T> value, Predicate<T> condition) {
        return await(what)
                .atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(value, condition);
    }
}
