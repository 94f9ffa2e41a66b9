package io.pcg.agent.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.metrics.AgentMeters;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue as the dispatcher uses it, with a test-only tenant-cluster handler that records what it ran. */
class CommandQueueTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AgentMessage> sent = Collections.synchronizedList(new ArrayList<>());
    private final Recorder tenant = new Recorder();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void tenantRequestsDuringAnUpgradeAreAckedQueuedAndRunAfterItInArrivalOrder() throws IOException {
        CommandQueue queue = queue();
        CommandDispatcher dispatcher = dispatcher(queue);
        queue.phase("UPGRADING");

        dispatcher.dispatch(command("c1", "cluster.test"), () -> {});
        dispatcher.dispatch(command("c2", "cluster.test"), () -> {});
        dispatcher.dispatch(command("p1", PingCommandHandler.TYPE), () -> {});

        assertThat(result("p1")).as("other commands run at once").isNotNull();
        assertThat(queuedAck("c1"))
                .isEqualTo("the gateway is upgrading; cluster.* requests run after that, in the order they arrived");
        assertThat(queuedAck("c2")).isNotNull();
        assertThat(queue.waiting()).containsExactly("c1", "c2");
        queue.phase("UPGRADING");
        assertThat(tenant.ran).isEmpty();

        queue.phase("RUNNING");
        await().atMost(WAIT).until(() -> result("c2") != null);
        assertThat(tenant.ran).containsExactly("c1", "c2");
        assertThat(result("c1").getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
        assertThat(kinds("c1")).containsExactly("queued-ack", "ack", "result");
        assertThat(queue.waiting()).isEmpty();
    }

    @Test
    void aRestartedConsoleAskingAfterAQueuedCommandGetsItsQueuedAckAndTheCommandStillRunsOnce() throws IOException {
        CommandQueue queue = queue();
        CommandDispatcher dispatcher = dispatcher(queue);
        queue.phase("UPGRADING");
        dispatcher.dispatch(command("c1", "cluster.test"), () -> {});
        sent.clear();

        // The console lost the payload in its restart and only asks what became of c1.
        dispatcher.dispatch(
                Command.newBuilder()
                        .setId("c1")
                        .setType("cluster.test")
                        .setResultOnly(true)
                        .build(),
                () -> {});

        assertThat(queuedAck("c1")).as("still queued, not COMMAND_NOT_RECEIVED").isNotNull();
        assertThat(result("c1")).isNull();
        queue.phase("RUNNING");
        await().atMost(WAIT).until(() -> result("c1") != null);
        assertThat(tenant.ran).containsExactly("c1");
    }

    @Test
    void aRequestArrivingWhileQueuedOnesStillRunWaitsBehindThemThoughTheUpgradeIsOver() throws IOException {
        CommandQueue queue = queue();
        CommandDispatcher dispatcher = dispatcher(queue);
        queue.phase("UPGRADING");
        tenant.block = new CountDownLatch(1);
        dispatcher.dispatch(command("c1", "cluster.test"), () -> {});
        queue.phase("RUNNING");
        await().atMost(WAIT).until(() -> tenant.started.contains("c1"));

        dispatcher.dispatch(command("c2", "cluster.test"), () -> {});
        assertThat(queuedAck("c2")).isEqualTo("earlier requests are still queued; cluster.test runs after them");
        tenant.block.countDown();

        await().atMost(WAIT).until(() -> result("c2") != null);
        assertThat(tenant.ran).containsExactly("c1", "c2");

        dispatcher.dispatch(command("c3", "cluster.test"), () -> {});
        await().atMost(WAIT).until(() -> result("c3") != null);
        assertThat(queuedAck("c3"))
                .as("an empty queue in a free phase runs at once")
                .isNull();
    }

    @Test
    void queuedRequestsSurviveARestartAndRunOnceEach() throws Exception {
        CommandQueue before = queue();
        CommandDispatcher first = dispatcher(before);
        before.phase("UPGRADING");
        first.dispatch(command("c1", "cluster.test", "{\"name\":\"t1\",\"password\":\"Pa55-w0rd!\"}"), () -> {});
        first.dispatch(command("c2", "cluster.test"), () -> {});
        first.close();
        before.close();
        assertThat(Files.readString(dir.resolve(CommandQueue.FILE)))
                .as("the payload is a JSON object in the file, so the support bundle's redaction sees its keys")
                .contains("\"payload\":{\"name\":\"t1\",\"password\":");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(CommandQueue.FILE))))
                .isEqualTo("rw-------");

        sent.clear();
        CommandQueue after = queue();
        assertThat(after.waiting()).containsExactly("c1", "c2");
        CommandDispatcher second = dispatcher(after);
        second.dispatch(command("c1", "cluster.test"), () -> {});
        assertThat(queuedAck("c1"))
                .as("a resent queued command is acked as queued again, not queued twice")
                .startsWith("the gateway is upgrading");
        second.dispatch(command("c3", "cluster.test"), () -> {});
        assertThat(queuedAck("c3")).as("before the phase is known").contains("has not read the gateway's state yet");
        assertThat(after.waiting()).containsExactly("c1", "c2", "c3");

        after.phase("RUNNING");
        await().atMost(WAIT).until(() -> result("c3") != null);
        assertThat(tenant.ran).containsExactly("c1", "c2", "c3");
        assertThat(tenant.payloads.get(0)).isEqualTo("{\"name\":\"t1\",\"password\":\"Pa55-w0rd!\"}");

        second.dispatch(command("c1", "cluster.test"), () -> {});
        assertThat(tenant.ran).as("a finished one is answered from memory").containsExactly("c1", "c2", "c3");
        after.close();
        assertThat(queue().waiting()).isEmpty();
        assertThat(Files.readString(dir.resolve(CommandQueue.FILE))).isEmpty();
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedWithoutQuotingIt() throws IOException {
        CommandQueue queue = queue();
        CommandDispatcher dispatcher = dispatcher(queue);
        queue.phase("UPGRADING");
        dispatcher.dispatch(command("c1", "cluster.test", "{\"password\":\"Pa55-w0rd!\""), () -> {});
        assertThat(result("c1").getError().getCode()).isEqualTo("COMMAND_QUEUE_FAILED");
        assertThat(result("c1").toString()).doesNotContain("Pa55-w0rd!");
        assertThat(queue.waiting()).isEmpty();
    }

    private CommandQueue queue() throws IOException {
        CommandQueue queue = CommandQueue.open(
                dir.resolve(CommandQueue.FILE), new QueuePolicy(Map.of("UPGRADING", List.of("cluster."))), CLOCK);
        open.add(queue);
        return queue;
    }

    private CommandDispatcher dispatcher(CommandQueue queue) {
        CommandDispatcher dispatcher = new CommandDispatcher(
                List.of(new PingCommandHandler(), tenant), 2, 10, 100, queue, AgentMeters.unregistered());
        dispatcher.attach(sent::add);
        open.add(0, dispatcher);
        return dispatcher;
    }

    private static Command command(String id, String type) {
        return command(id, type, "{}");
    }

    private static Command command(String id, String type, String payload) {
        return Command.newBuilder()
                .setId(id)
                .setType(type)
                .setPayloadJson(payload)
                .build();
    }

    private io.pcg.proto.v1.CommandResult result(String id) {
        synchronized (sent) {
            return sent.stream()
                    .filter(m -> m.hasResult() && m.getResult().getCommandId().equals(id))
                    .map(AgentMessage::getResult)
                    .findFirst()
                    .orElse(null);
        }
    }

    private String queuedAck(String id) {
        synchronized (sent) {
            return sent.stream()
                    .filter(m -> m.hasAck()
                            && m.getAck().getCommandId().equals(id)
                            && m.getAck().getQueued())
                    .map(m -> m.getAck().getQueuedReason())
                    .findFirst()
                    .orElse(null);
        }
    }

    private List<String> kinds(String id) {
        synchronized (sent) {
            return sent.stream()
                    .filter(m -> (m.hasAck() && m.getAck().getCommandId().equals(id))
                            || (m.hasResult() && m.getResult().getCommandId().equals(id)))
                    .map(m -> m.hasResult() ? "result" : m.getAck().getQueued() ? "queued-ack" : "ack")
                    .toList();
        }
    }

    /** Test-only tenant-cluster handler: records the order it ran commands in; may block until released. */
    private static final class Recorder implements CommandHandler {

        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final List<String> ran = Collections.synchronizedList(new ArrayList<>());
        final List<String> payloads = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch block;

        @Override
        public String type() {
            return "cluster.test";
        }

        @Override
        public String handle(AgentCommand command) {
            started.add(command.id());
            CountDownLatch latch = block;
            if (latch != null) {
                try {
                    latch.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ran.add(command.id());
            payloads.add(command.payloadJson());
            return "{}";
        }
    }
}
