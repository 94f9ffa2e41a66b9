package io.pcg.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.micronaut.json.tree.JsonNode;
import io.pcg.console.control.CommandService;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events and commands survive a console restart, events page back, and no command payload reaches the disk. */
class HistoryRestartIT {

    private static final String VCENTER_PASSWORD = "Vc-Secret-93517";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void eventsAndCommandsSurviveARestartAndEventsPageBackWithoutASecretOnDisk() throws Exception {
        Map<String, Object> samePort = Map.of("pcg.console.grpc-port", freePort());
        String gatewayId;
        String answeredId;
        String inFlightId;
        String queuedId;
        TestAgent.Identity identity;
        try (EmbeddedConsole console = EmbeddedConsole.start(dataDir, samePort, null)) {
            AdminApi api = new AdminApi(console);
            AdminApi.Reply created = api.createGateway("pcg-history");
            gatewayId = created.text("id");
            identity = TestAgent.pair(console, "pcg-history", created.text("pin"));
            ManagedChannel channel = TestAgent.channel(console, identity);
            try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
                connection.register();
                assertThat(connection.next().hasRegistered()).isTrue();
                for (int step = 1; step <= 5; step++) {
                    connection.send(agentEvent(step));
                }
                connection.send(agentEvent(5));

                answeredId = api.post("/api/gateways/" + gatewayId + "/commands", "{\"type\": \"agent.ping\"}")
                        .text("commandId");
                connection.answer(connection.nextCommand());
                inFlightId = api.post(
                                "/api/gateways/" + gatewayId + "/configure",
                                "{\"vcenter\": {\"server\": \"vc1.example.net\", \"username\": \"pcg@vsphere.local\", \"password\": \""
                                        + VCENTER_PASSWORD + "\"}}")
                        .text("commandId");
                Command configure = connection.nextCommand();
                assertThat(configure.getPayloadJson()).contains(VCENTER_PASSWORD);
                connection.ack(configure.getId());
                await("the agent's events and answers are recorded")
                        .atMost(WAIT)
                        .until(() -> agentSteps(api, gatewayId, "").size() == 5
                                && api.get("/api/gateways/" + gatewayId + "/commands/" + inFlightId)
                                        .text("status")
                                        .equals("ACKED")
                                && api.get("/api/gateways/" + gatewayId + "/commands/" + answeredId)
                                        .text("status")
                                        .equals("SUCCEEDED"));
            } finally {
                channel.shutdownNow();
            }
            await("the gateway is offline")
                    .atMost(WAIT)
                    .until(() -> !api.get("/api/gateways/" + gatewayId)
                            .body()
                            .get("connected")
                            .getBooleanValue());
            queuedId = api.post(
                            "/api/gateways/" + gatewayId + "/configure",
                            "{\"vcenter\": {\"password\": \"" + VCENTER_PASSWORD + "\"}}")
                    .text("commandId");
            assertThat(api.get("/api/gateways/" + gatewayId + "/commands/" + queuedId)
                            .text("status"))
                    .isEqualTo("QUEUED");
        }

        try (EmbeddedConsole restarted = EmbeddedConsole.start(dataDir, samePort, null)) {
            AdminApi api = new AdminApi(restarted);
            assertThat(agentSteps(api, gatewayId, ""))
                    .as("all kept, in order, the repeat of Step5 once")
                    .containsExactly("Step1", "Step2", "Step3", "Step4", "Step5");
            List<JsonNode> all = events(api, gatewayId, "");
            assertThat(all)
                    .extracting(event -> event.get("sequence").getLongValue())
                    .as("numbered 1, 2, ... without gaps")
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .first()
                    .isEqualTo(1L);

            // Page back two at a time, from the newest: the pages, newest page first, make up the whole history.
            List<String> pagedBack = new ArrayList<>();
            String before = "";
            while (true) {
                List<JsonNode> page = events(api, gatewayId, "?limit=2" + before);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(2);
                List<String> reasons = page.stream()
                        .map(event -> event.get("reason").getStringValue())
                        .toList();
                pagedBack.addAll(0, reasons);
                before = "&before=" + page.get(0).get("sequence").getLongValue();
            }
            assertThat(pagedBack)
                    .isEqualTo(all.stream()
                            .map(event -> event.get("reason").getStringValue())
                            .toList());
            assertThat(api.get("/api/gateways/" + gatewayId + "/events?limit=0").status())
                    .isEqualTo(400);

            AdminApi.Reply answered = api.get("/api/gateways/" + gatewayId + "/commands/" + answeredId);
            assertThat(answered.text("status")).isEqualTo("SUCCEEDED");
            assertThat(answered.body().get("result").get("handled").getStringValue())
                    .isEqualTo("agent.ping");
            assertThat(api.get("/api/gateways/" + gatewayId + "/commands/" + inFlightId)
                            .text("status"))
                    .as("the gateway had it: its result is still to come")
                    .isEqualTo("ACKED");
            AdminApi.Reply neverSent = api.get("/api/gateways/" + gatewayId + "/commands/" + queuedId);
            assertThat(neverSent.text("status")).isEqualTo("FAILED");
            assertThat(neverSent.body().get("error").get("code").getStringValue())
                    .isEqualTo(CommandService.CONSOLE_RESTARTED);
            assertThat(api.get("/api/gateways/" + gatewayId + "/commands")
                            .body()
                            .size())
                    .isEqualTo(3);

            ManagedChannel channel = TestAgent.channel(restarted, identity);
            try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
                connection.register();
                assertThat(connection.next().hasRegistered()).isTrue();
                connection.send(agentEvent(5));
                connection.send(agentEvent(6));
                await("the new event after the restart")
                        .atMost(WAIT)
                        .until(() -> agentSteps(api, gatewayId, "").contains("Step6"));
                assertThat(agentSteps(api, gatewayId, ""))
                        .as("a repeat from before the restart is still dropped")
                        .containsExactly("Step1", "Step2", "Step3", "Step4", "Step5", "Step6");
                Command resent = connection.nextCommand();
                assertThat(resent.getId()).isEqualTo(inFlightId);
                assertThat(resent.getResultOnly())
                        .as("asks for the result only")
                        .isTrue();
                assertThat(resent.getPayloadJson())
                        .as("the payload was never stored")
                        .isEmpty();
                connection.answerWithoutAck(resent);
                await("the agent's answer completes the command")
                        .atMost(WAIT)
                        .until(() -> api.get("/api/gateways/" + gatewayId + "/commands/" + inFlightId)
                                .text("status")
                                .equals("SUCCEEDED"));
                assertThat(connection.received)
                        .as("nothing else is sent: not the never-sent configure")
                        .noneMatch(ConsoleMessage::hasCommand);
            } finally {
                channel.shutdownNow();
            }
        }

        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("no secret in %s", file)
                        .doesNotContain(VCENTER_PASSWORD);
            }
        }
        assertThat(dataDir.resolve("commands").resolve(gatewayId + ".log")).exists();
        assertThat(dataDir.resolve("events").resolve(gatewayId + ".log")).exists();
    }

    /** The agent's event number {@code step}, dated by its number so a repeat is exactly the same event. */
    private static AgentMessage agentEvent(int step) {
        return AgentMessage.newBuilder()
                .setEvent(Event.newBuilder()
                        .setTime(Timestamp.newBuilder().setSeconds(1_750_000_000L + step))
                        .setSeverity(EventSeverity.EVENT_SEVERITY_INFO)
                        .setSequence(step)
                        .setReason("Step" + step)
                        .setObject("gateway/pcg-history")
                        .setMessage("step " + step))
                .build();
    }

    private static List<JsonNode> events(AdminApi api, String gatewayId, String query) {
        AdminApi.Reply reply = api.get("/api/gateways/" + gatewayId + "/events" + query);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        reply.body().values().forEach(events::add);
        return events;
    }

    private static List<String> agentSteps(AdminApi api, String gatewayId, String query) {
        return events(api, gatewayId, query).stream()
                .filter(event -> event.get("source").getStringValue().equals("agent"))
                .map(event -> event.get("reason").getStringValue())
                .toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
