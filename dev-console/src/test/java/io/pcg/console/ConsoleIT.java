package io.pcg.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import io.pcg.console.control.ClusterStatusService;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.pki.ConsoleCa;
import io.pcg.console.pki.Pem;
import io.pcg.proto.v1.AgentMessage;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Command;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import io.pcg.proto.v1.ConsoleMessage;
import io.pcg.proto.v1.Heartbeat;
import io.pcg.proto.v1.PairingError;
import io.pcg.proto.v1.PairingFailure;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The console as a black box: real TLS gRPC with generated stubs, and the admin HTTP API. */
class ConsoleIT {

    @TempDir
    static Path dataDir;

    private static final MutableClock CLOCK = MutableClock.atNow();
    /** A bound for a loaded CI machine, not a performance assertion. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(50);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static EmbeddedConsole console;
    private static AdminApi api;

    @BeforeAll
    static void startConsole() {
        console = EmbeddedConsole.start(dataDir, Map.of(), CLOCK);
        api = new AdminApi(console);
    }

    @AfterAll
    static void stopConsole() {
        console.close();
    }

    private static String newName() {
        return "pcg-it-" + NAMES.incrementAndGet();
    }

    @Test
    void pairingSucceedsOnceAndEveryRefusalHasItsOwnReason() {
        String name = newName();
        AdminApi.Reply created = api.createGateway(name);
        String pin = created.text("pin");
        assertThat(pin).matches("[A-Z0-9]{8}");
        assertThat(created.text("state")).isEqualTo("Pending");

        TestAgent.Identity identity = TestAgent.pair(console, name, pin);
        assertThat(identity.gatewayId()).isEqualTo(created.text("id"));
        assertThat(Pem.readCertificate(identity.certificatePem(), "client")
                        .getSubjectX500Principal()
                        .getName())
                .isEqualTo("CN=" + identity.gatewayId());
        assertThat(identity.caPem())
                .isEqualTo(console.context().getBean(ConsoleCa.class).caPem());
        assertThat(api.get("/api/gateways/" + identity.gatewayId()).text("state"))
                .isEqualTo("Paired");

        assertRefused(name, pin, Status.Code.FAILED_PRECONDITION, PairingError.PAIRING_ERROR_PIN_USED, "already used");
        assertRefused(
                "pcg-no-such-gateway",
                pin,
                Status.Code.NOT_FOUND,
                PairingError.PAIRING_ERROR_UNKNOWN_GATEWAY,
                "no gateway named");

        String other = newName();
        AdminApi.Reply otherGateway = api.post("/api/gateways", "{\"name\":\"" + other + "\",\"pinTtlSeconds\":60}");
        PairingFailure wrong = assertRefused(
                other, "WRONGPIN", Status.Code.UNAUTHENTICATED, PairingError.PAIRING_ERROR_PIN_INVALID, "wrong PIN");
        assertThat(wrong.getAttemptsLeft()).isEqualTo(4);

        CLOCK.advance(Duration.ofSeconds(61));
        assertRefused(
                other,
                otherGateway.text("pin"),
                Status.Code.FAILED_PRECONDITION,
                PairingError.PAIRING_ERROR_PIN_EXPIRED,
                "expired");

        String third = newName();
        String thirdPin = api.createGateway(third).text("pin");
        StatusRuntimeException badCsr = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> TestAgent.pairRaw(console, third, thirdPin, TestKeys.rsaKeyPair(1024)));
        assertThat(failureOf(badCsr).getReason()).isEqualTo(PairingError.PAIRING_ERROR_BAD_CSR);
        assertThat(badCsr.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void fiveWrongPinsLockTheGatewayAndANewPinUnlocksIt() {
        String name = newName();
        AdminApi.Reply created = api.createGateway(name);
        for (int attempt = 1; attempt <= 5; attempt++) {
            PairingFailure failure = assertRefused(
                    name,
                    "WRONG00" + attempt,
                    Status.Code.UNAUTHENTICATED,
                    PairingError.PAIRING_ERROR_PIN_INVALID,
                    "wrong PIN");
            assertThat(failure.getAttemptsLeft()).isEqualTo(5 - attempt);
        }
        assertRefused(
                name,
                created.text("pin"),
                Status.Code.PERMISSION_DENIED,
                PairingError.PAIRING_ERROR_LOCKED_OUT,
                "locked");
        AdminApi.Reply gateway = api.get("/api/gateways/" + created.text("id"));
        assertThat(gateway.body().get("locked").getBooleanValue()).isTrue();
        assertThat(gateway.body().get("failedAttempts").getIntValue()).isEqualTo(5);

        AdminApi.Reply renewed = api.post("/api/gateways/" + created.text("id") + "/pin", null);
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(api.get("/api/gateways/" + created.text("id"))
                        .body()
                        .get("locked")
                        .getBooleanValue())
                .isFalse();
        assertThat(TestAgent.pair(console, name, renewed.text("pin")).gatewayId())
                .isEqualTo(created.text("id"));
    }

    @Test
    void pairedAgentRegistersOverMutualTlsAndGoesOfflineWhenTheStreamEnds() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
            connection.register();
            ConsoleMessage registered = connection.next();
            assertThat(registered.getRegistered().getGatewayId()).isEqualTo(identity.gatewayId());
            connection.send(AgentMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder().setSequence(1))
                    .build());
            connection.event("VCenterValidated", "vCenter vc.example.net is usable");

            AdminApi.Reply gateway = awaitState(identity.gatewayId(), "Online");
            assertThat(gateway.body().get("connected").getBooleanValue()).isTrue();
            assertThat(gateway.text("hostname")).isEqualTo("appliance-1");
            assertThat(gateway.text("version")).isEqualTo("0.1.0-test");
            assertThat(textValues(gateway.body().get("ipAddresses"))).containsExactly("10.10.1.5", "fd00::5");
            assertThat(gateway.body().get("capacity").get("cpus").getIntValue()).isEqualTo(4);
            assertThat(gateway.text("lastHeartbeat")).isNotNull();
            awaitEvent(identity.gatewayId(), "VCenterValidated");
        }
        awaitState(identity.gatewayId(), "Offline");
        awaitEvent(identity.gatewayId(), "Disconnected");
        channel.shutdownNow();
    }

    @Test
    void controlStreamNeedsTheCertificateFromTheLatestPairing(@TempDir Path otherConsoleDir) throws Exception {
        String name = newName();
        AdminApi.Reply created = api.createGateway(name);
        TestAgent.Identity identity = TestAgent.pair(console, name, created.text("pin"));

        Status withoutCertificate = refusedStream(null);
        assertThat(withoutCertificate.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(withoutCertificate.getDescription()).contains("no client certificate");

        ConsoleCa otherCa = new ConsoleCa(otherConsoleDir, List.of("localhost"), Clock.systemUTC());
        KeyPair keys = TestKeys.ecKeyPair();
        TestAgent.Identity foreign = new TestAgent.Identity(
                identity.gatewayId(),
                Pem.certificate(otherCa.signClientCertificate(TestKeys.csr(keys), identity.gatewayId())),
                Pem.privateKey(keys.getPrivate()),
                otherCa.caPem());
        assertThat(refusedStream(foreign).getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED);

        String newPin =
                api.post("/api/gateways/" + identity.gatewayId() + "/pin", "{}").text("pin");
        TestAgent.pair(console, name, newPin);
        Status superseded = refusedStream(identity);
        assertThat(superseded.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(superseded.getDescription()).contains("replaced by a later pairing");
    }

    @Test
    void firstMessageMustBeRegister() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
            connection.send(AgentMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder().setSequence(1))
                    .build());
            Status status = connection.awaitClosed();
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("must be Register");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void commandsQueuedWhileOfflineAreDeliveredOnConnectAndResultsRecorded() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        String commands = "/api/gateways/" + identity.gatewayId() + "/commands";
        AdminApi.Reply accepted = api.post(commands, "{\"type\":\"vsphere.validate\",\"payload\":{\"host\":\"vc1\"}}");
        assertThat(accepted.status()).isEqualTo(202);
        String succeeding = accepted.text("commandId");
        String failing = api.post(commands, "{\"type\":\"test.fail\"}").text("commandId");
        assertThat(api.get(commands + "/" + succeeding).text("status")).isEqualTo("QUEUED");

        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, true)) {
            connection.register();
            AdminApi.Reply done = api.get(commands + "/" + succeeding + "?waitSeconds=20");
            assertThat(done.text("status")).isEqualTo("SUCCEEDED");
            assertThat(done.body().get("result").get("handled").getStringValue())
                    .isEqualTo("vsphere.validate");
            assertThat(done.body().get("payload"))
                    .as("payloads are never returned")
                    .isNull();

            AdminApi.Reply failed = api.get(commands + "/" + failing + "?waitSeconds=20");
            assertThat(failed.text("status")).isEqualTo("FAILED");
            assertThat(failed.body().get("error").get("code").getStringValue()).isEqualTo("TEST_FAILURE");
            assertThat(failed.body().get("error").get("hint").getStringValue()).isEqualTo("do not send test.fail");

            String live = api.post(commands, "{\"type\":\"gateway.ping\",\"payload\":{}}")
                    .text("commandId");
            assertThat(api.get(commands + "/" + live + "?waitSeconds=20").text("status"))
                    .isEqualTo("SUCCEEDED");
            assertThat(api.get(commands).body().size()).isEqualTo(3);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void unacknowledgedCommandsAreSentAgainAfterReconnectAndANewerStreamReplacesTheOlder() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        ManagedChannel channel = TestAgent.channel(console, identity);
        TestAgent.Connection first = TestAgent.connect(channel, false);
        first.register();
        assertThat(first.next().hasRegistered()).isTrue();
        CommandRecord submitted =
                console.commands().submit(identity.gatewayId(), "ipam.pool.create", "{\"cidr\":\"10.0.0.0/24\"}");
        Command delivered = first.nextCommand();
        assertThat(delivered.getId()).isEqualTo(submitted.id());
        assertThat(delivered.getPayloadJson()).isEqualTo("{\"cidr\":\"10.0.0.0/24\"}");
        assertThat(console.commands().get(submitted.id()).status()).isEqualTo(CommandState.SENT);

        TestAgent.Connection second = TestAgent.connect(channel, false);
        second.register();
        assertThat(first.awaitClosed().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(second.next().hasRegistered()).isTrue();
        Command again = second.nextCommand();
        assertThat(again.getId()).isEqualTo(submitted.id());

        CompletableFuture<CommandResult> result = console.commands().result(submitted.id());
        second.answerWithoutAck(again);
        assertThat(result.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
        CommandRecord finished = console.commands().get(submitted.id());
        assertThat(finished.status())
                .as("a result implies the ack it was not preceded by")
                .isEqualTo(CommandState.SUCCEEDED);
        assertThat(finished.ackedAt()).isEqualTo(finished.finishedAt());
        second.close();
        channel.shutdownNow();
    }

    @Test
    void aThousandCommandsInFlightAllComeBack() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, true)) {
            connection.register();
            awaitState(identity.gatewayId(), "Online");
            List<CompletableFuture<CommandResult>> results = IntStream.range(0, 1000)
                    .parallel()
                    .mapToObj(i -> console.commands().submit(identity.gatewayId(), "bench.echo", "{\"i\":" + i + "}"))
                    .map(command -> console.commands().result(command.id()))
                    .toList();
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(results)
                    .allSatisfy(result ->
                            assertThat(result.join().getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void adminApiExplainsBadRequests() {
        String name = newName();
        String id = api.createGateway(name).text("id");
        AdminApi.Reply duplicate = api.post("/api/gateways", "{\"name\":\"" + name + "\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.text("message")).contains("already exists");

        AdminApi.Reply badJson = api.post("/api/gateways", "{\"name\": ");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.text("message")).contains("not valid JSON");

        assertThat(api.post("/api/gateways", "{}").text("message")).contains("\"name\" is required");
        assertThat(api.post("/api/gateways", "{\"name\":\"has space\"}").status())
                .isEqualTo(400);

        AdminApi.Reply unknown = api.get("/api/gateways/gw-missing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("message")).contains("gw-missing");
        assertThat(api.post("/api/gateways/gw-missing/commands", "{\"type\":\"x.y\"}")
                        .status())
                .isEqualTo(404);

        String commands = "/api/gateways/" + id + "/commands";
        assertThat(api.post(commands, "{\"payload\":{}}").text("message")).contains("\"type\" is required");
        assertThat(api.post(commands, "{\"type\":\"x.y\",\"payload\":[1]}").text("message"))
                .contains("must be a JSON object");
        AdminApi.Reply secretInBadJson = api.post(commands, "{\"type\":\"x.y\",\"payload\":{\"password\": s3cr3t}}");
        assertThat(secretInBadJson.status()).isEqualTo(400);
        assertThat(secretInBadJson.text("message")).doesNotContain("s3cr3t");
        assertThat(api.get(commands + "/cmd-missing").status()).isEqualTo(404);
    }

    @Test
    void neitherPinsNorCommandPayloadsReachTheLogsOrTheApi() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        List<String> secrets = new ArrayList<>();
        try {
            String name = newName();
            AdminApi.Reply created = api.createGateway(name);
            secrets.add(created.text("pin"));
            assertRefused(
                    name, "WRONGPIN", Status.Code.UNAUTHENTICATED, PairingError.PAIRING_ERROR_PIN_INVALID, "wrong");
            secrets.add("WRONGPIN");
            TestAgent.Identity identity = TestAgent.pair(console, name, created.text("pin"));
            secrets.add(identity.keyPem().lines().skip(1).findFirst().orElseThrow());
            String renewedPin = api.post("/api/gateways/" + identity.gatewayId() + "/pin", null)
                    .text("pin");
            secrets.add(renewedPin);

            ManagedChannel channel = TestAgent.channel(console, identity);
            try (TestAgent.Connection connection = TestAgent.connect(channel, true)) {
                connection.register();
                String secretPassword = "vc-Passw0rd-" + System.nanoTime();
                secrets.add(secretPassword);
                String commandId = api.post(
                                "/api/gateways/" + identity.gatewayId() + "/commands",
                                "{\"type\":\"vsphere.credentials.set\",\"payload\":{\"password\":\"" + secretPassword
                                        + "\"}}")
                        .text("commandId");
                assertThat(api.get("/api/gateways/" + identity.gatewayId() + "/commands/" + commandId
                                        + "?waitSeconds=20")
                                .text("status"))
                        .isEqualTo("SUCCEEDED");

                String gateway = "/api/gateways/" + identity.gatewayId();
                String configureId = api.post(gateway + "/configure", configureBody(secretPassword))
                        .text("commandId");
                List<AdminApi.Reply> answers = List.of(
                        api.get(gateway + "/commands/" + configureId + "?waitSeconds=20"),
                        api.get(gateway + "/commands"),
                        api.get(gateway),
                        api.get(gateway + "/events"),
                        api.post(
                                gateway + "/configure",
                                configureBody(secretPassword).replace("\"nodeCount\": 1", "\"nodeCount\": ")));
                assertThat(answers.get(0).text("status")).isEqualTo("SUCCEEDED");
                assertThat(answers.get(4).status()).isEqualTo(400);
                assertThat(answers)
                        .extracting(AdminApi.Reply::raw)
                        .allSatisfy(answer -> assertThat(answer).isNotBlank().doesNotContain(secretPassword));
            } finally {
                channel.shutdownNow();
            }
            awaitState(identity.gatewayId(), "Offline");
        } finally {
            root.detachAppender(captured);
        }
        assertThat(captured.list).as("the flow logged something").isNotEmpty();
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : " " + event.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertThat(line).as("log line from %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    @Test
    void configureAndResetAreCommandsThatCarryTheirPayloadUnchanged() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        String gateway = "/api/gateways/" + identity.gatewayId();
        String body = configureBody("Vc-Secret-1");
        AdminApi.Reply configure = api.post(gateway + "/configure", body);
        assertThat(configure.status()).isEqualTo(202);
        assertThat(configure.text("status")).isEqualTo("QUEUED");
        AdminApi.Reply reset = api.post(gateway + "/reset", null);
        assertThat(reset.status()).isEqualTo(202);

        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
            connection.register();
            assertThat(connection.next().hasRegistered()).isTrue();
            Command configured = connection.nextCommand();
            assertThat(configured.getId()).isEqualTo(configure.text("commandId"));
            assertThat(configured.getType()).isEqualTo("gateway.configure");
            assertThat(ObjectMapper.getDefault().readValue(configured.getPayloadJson(), JsonNode.class))
                    .isEqualTo(ObjectMapper.getDefault().readValue(body, JsonNode.class));
            Command resetting = connection.nextCommand();
            assertThat(resetting.getId()).isEqualTo(reset.text("commandId"));
            assertThat(resetting.getType()).isEqualTo("gateway.reset");
            assertThat(resetting.getPayloadJson()).isEqualTo("{}");
        } finally {
            channel.shutdownNow();
        }

        assertThat(api.post(gateway + "/configure", "[1, 2]").text("message")).contains("must be a JSON object");
        assertThat(api.post(gateway + "/configure", null).status()).isEqualTo(400);
        assertThat(api.post("/api/gateways/gw-missing/configure", "{}").status())
                .isEqualTo(404);
        assertThat(api.post("/api/gateways/gw-missing/reset", null).status()).isEqualTo(404);
    }

    @Test
    void theLatestClusterStatusIsShownAndEveryStateChangeIsAnEvent() throws Exception {
        String name = newName();
        TestAgent.Identity identity =
                TestAgent.pair(console, name, api.createGateway(name).text("pin"));
        String gateway = "/api/gateways/" + identity.gatewayId();
        AdminApi.Reply none = api.get(gateway + "/cluster");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.text("message")).contains("has not reported a cluster status");

        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
            connection.register();
            connection.send(clusterStatus(
                    ClusterState.CLUSTER_STATE_PROVISIONING, ConditionStatus.CONDITION_STATUS_UNKNOWN, "cloning"));
            AdminApi.Reply provisioning = awaitCluster(identity.gatewayId(), "Provisioning");
            JsonNode condition = provisioning.body().get("conditions").get(0);
            assertThat(condition.get("type").getStringValue()).isEqualTo("ControlPlaneReady");
            assertThat(condition.get("status").getStringValue()).isEqualTo("Unknown");
            assertThat(condition.get("message").getStringValue()).isEqualTo("cloning");
            assertThat(condition.get("lastTransitionTime").getStringValue()).isNotBlank();
            JsonNode node = provisioning.body().get("nodes").get(0);
            assertThat(node.get("name").getStringValue()).isEqualTo("pcg-gw-abcde");
            assertThat(node.get("ip").getStringValue()).isEqualTo("10.10.1.21");
            assertThat(node.get("role").getStringValue()).isEqualTo("control-plane");
            assertThat(node.get("ready").getBooleanValue()).isFalse();
            assertThat(provisioning.text("managementCluster")).isEqualTo("bootstrap");
            assertThat(provisioning.text("observedAt")).isNotBlank();

            connection.send(clusterStatus(
                    ClusterState.CLUSTER_STATE_PROVISIONING,
                    ConditionStatus.CONDITION_STATUS_FALSE,
                    "clone failed once"));
            connection.send(clusterStatus(
                    ClusterState.CLUSTER_STATE_FAILED,
                    ConditionStatus.CONDITION_STATUS_FALSE,
                    "no space on datastore1"));
            awaitCluster(identity.gatewayId(), "Failed");
            AdminApi.Reply shown = api.get(gateway);
            assertThat(shown.body().get("cluster").get("state").getStringValue())
                    .isEqualTo("Failed");
            assertThat(shown.body()
                            .get("cluster")
                            .get("conditions")
                            .get(0)
                            .get("message")
                            .getStringValue())
                    .isEqualTo("no space on datastore1");
        } finally {
            channel.shutdownNow();
        }

        List<JsonNode> changes = new ArrayList<>();
        api.get(gateway + "/events").body().values().forEach(event -> {
            if (ClusterStatusService.STATE_CHANGED.equals(event.get("reason").getStringValue())) {
                changes.add(event);
            }
        });
        assertThat(changes).as("one event per state, not per report").hasSize(2);
        assertThat(changes.get(0).get("message").getStringValue()).startsWith("Gateway cluster is Provisioning;");
        assertThat(changes.get(1).get("severity").getStringValue()).isEqualTo("Error");
        assertThat(changes.get(1).get("message").getStringValue())
                .contains("Failed (was Provisioning)")
                .contains("ControlPlaneReady: no space on datastore1");
    }

    /** A {@code gateway.configure} payload as docs/dev-console.md describes it. */
    private static String configureBody(String password) {
        return """
                {"vcenter": {"server": "vc1.example.net", "username": "pcg@vsphere.local", "password": "%s",
                             "thumbprint": "AB:CD:EF"},
                 "placement": {"datacenter": "DC1", "computeCluster": "Cluster1", "datastore": "datastore1",
                               "network": "VM Network", "resourcePool": "", "folder": "pcg"},
                 "nodeTemplate": "pcg-node-template", "sshKeys": ["ssh-ed25519 AAAA test"], "ntpServers": ["pool.ntp.org"],
                 "ipAllocation": {"type": "static", "pool": "pcg-nodes", "controlPlaneVip": "10.10.1.20"},
                 "nodeCount": 1, "kubernetesVersion": "v1.34.4"}
                """.formatted(password);
    }

    private static AgentMessage clusterStatus(ClusterState state, ConditionStatus controlPlaneReady, String message) {
        Timestamp now = Timestamp.newBuilder()
                .setSeconds(System.currentTimeMillis() / 1000)
                .build();
        return AgentMessage.newBuilder()
                .setClusterStatus(ClusterStatus.newBuilder()
                        .setState(state)
                        .addConditions(Condition.newBuilder()
                                .setType("ControlPlaneReady")
                                .setStatus(controlPlaneReady)
                                .setReason("WaitingForNodes")
                                .setMessage(message)
                                .setLastTransitionTime(now))
                        .addNodes(ClusterNode.newBuilder()
                                .setName("pcg-gw-abcde")
                                .setIp("10.10.1.21")
                                .setRole("control-plane"))
                        .setManagementCluster("bootstrap")
                        .setObservedAt(now))
                .build();
    }

    private static AdminApi.Reply awaitCluster(String gatewayId, String state) {
        return await("gateway " + gatewayId + " reports its cluster " + state)
                .atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL)
                .until(
                        () -> api.get("/api/gateways/" + gatewayId + "/cluster"),
                        reply -> state.equals(reply.text("state")));
    }

    private static PairingFailure assertRefused(
            String name, String pin, Status.Code code, PairingError reason, String messagePart) {
        StatusRuntimeException error = catchThrowableOfType(
                StatusRuntimeException.class, () -> TestAgent.pairRaw(console, name, pin, TestKeys.ecKeyPair()));
        assertThat(error).as("pairing %s should be refused", name).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
        PairingFailure failure = failureOf(error);
        assertThat(failure.getReason()).isEqualTo(reason);
        assertThat(failure.getMessage()).contains(messagePart).doesNotContain(pin);
        return failure;
    }

    private static PairingFailure failureOf(StatusRuntimeException error) {
        try {
            com.google.rpc.Status status = StatusProto.fromThrowable(error);
            assertThat(status).as("status details").isNotNull();
            return status.getDetails(0).unpack(PairingFailure.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static Status refusedStream(TestAgent.Identity identity) throws Exception {
        ManagedChannel channel = TestAgent.channel(console, identity);
        try (TestAgent.Connection connection = TestAgent.connect(channel, false)) {
            connection.register();
            Status status = connection.awaitClosed();
            assertThat(connection.received)
                    .as("nothing may reach an unauthenticated client")
                    .isEmpty();
            return status;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Polls until the state shows (the console updates it asynchronously to the stream). */
    private static AdminApi.Reply awaitState(String gatewayId, String state) {
        return await("gateway " + gatewayId + " becomes " + state)
                .atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL)
                .until(() -> api.get("/api/gateways/" + gatewayId), reply -> state.equals(reply.text("state")));
    }

    private static void awaitEvent(String gatewayId, String reason) {
        await("a " + reason + " event for gateway " + gatewayId)
                .atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL)
                .until(
                        () -> api.get("/api/gateways/" + gatewayId + "/events")
                                .body()
                                .values(),
                        events -> StreamSupport.stream(events.spliterator(), false)
                                .anyMatch(event ->
                                        reason.equals(event.get("reason").getStringValue())));
    }

    private static List<String> textValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.values().forEach(value -> values.add(value.getStringValue()));
        return values;
    }
}
