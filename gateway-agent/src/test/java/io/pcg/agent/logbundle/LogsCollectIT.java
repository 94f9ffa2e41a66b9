package io.pcg.agent.logbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.link.GatewayLink;
import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.control.GatewaySessions;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.logbundle.LogBundleUploads;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.LogBundleChunk;
import io.pcg.proto.v1.LogBundleHeader;
import io.pcg.proto.v1.LogBundleReceipt;
import io.pcg.testkit.logging.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logs.collect end to end: the agent application runs the repository's collect-logs.sh on a fixture tree
 * ({@code --root}, as CollectLogsIT does) and uploads the bundle over UploadLogBundle to the real dev-console, which
 * stores it and serves it on its admin API. The bundle downloaded is byte for byte what the script wrote, redacted; a
 * corrupted upload and an oversized bundle are refused, and nothing of them stays.
 */
class LogsCollectIT {

    /** A bound for a loaded CI machine, not a performance assertion. */
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static final String NAME = "pcg-logs";
    private static final Path SCRIPT =
            Path.of("..", "scripts", "collect-logs.sh").toAbsolutePath().normalize();
    private static final String PIN_IN_FIXTURE = "K7Q2M9XD";
    private static final String PASSWORD = "Hunter2-yaml";
    private static final String BEARER = "bearer-tok-0123456789";
    private static final String KEY_BODY = "IDENTITYKEYBODY";
    private static final List<String> SECRETS = List.of(PIN_IN_FIXTURE, PASSWORD, BEARER, KEY_BODY);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private EmbeddedConsole console;
    private ApplicationContext agent;
    private String gatewayId;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (console != null) {
            console.close();
        }
    }

    @Test
    void deliversTheScriptsBundleWithAMatchingChecksumAndNoSecret() throws Exception {
        start(Map.of(), SCRIPT, fixtureRoot());
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> accepted = post("/api/gateways/" + gatewayId + "/logs");
            assertThat(accepted.statusCode()).isEqualTo(202);
            String commandId = JSON.readTree(accepted.body()).get("commandId").asText();

            JsonNode command =
                    JSON.readTree(get("/api/gateways/" + gatewayId + "/commands/" + commandId + "?waitSeconds=120")
                            .body());
            assertThat(command.get("status").asText()).as(command.toString()).isEqualTo("SUCCEEDED");
            JsonNode result = command.get("result");
            String bundleId = result.get("bundleId").asText();

            JsonNode listed = JSON.readTree(
                    get("/api/gateways/" + gatewayId + "/log-bundles").body());
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("id").asText()).isEqualTo(bundleId);
            assertThat(listed.get(0).get("commandId").asText()).isEqualTo(commandId);
            assertThat(listed.get(0).get("sha256").asText())
                    .isEqualTo(result.get("sha256").asText());

            HttpResponse<byte[]> download = http.send(
                    HttpRequest.newBuilder(uri("/api/gateways/" + gatewayId + "/log-bundles/" + bundleId))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValue("Content-Disposition"))
                    .get()
                    .asString()
                    .contains(result.get("fileName").asText());
            assertThat(download.body()).hasSize(result.get("sizeBytes").asInt());
            assertThat(sha256(download.body()))
                    .as("the checksum matches")
                    .isEqualTo(result.get("sha256").asText());
            assertThat(result.get("fileName").asText()).matches("pcg-logs-appliance-\\d{8}T\\d{6}Z\\.tgz");

            Map<String, String> files = unpack(download.body());
            assertThat(files)
                    .containsKeys(
                            "var/log/pcg/agent.log",
                            "etc/pcg/agent.yml",
                            "var/log/kern.log",
                            "manifest.yaml",
                            "skipped.txt");
            assertThat(files.get("var/log/pcg/agent.log"))
                    .contains("agent: identity stored", "vcenter password: ***REDACTED***");
            assertThat(files.keySet()).as("no key file").noneMatch(path -> path.endsWith("key.pem"));
            files.forEach((path, content) -> assertThat(content).as(path).doesNotContain(SECRETS));

            Path stored = onlyBundleFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)))
                    .isEqualTo("rw-------");
            assertThat(Files.readAllBytes(stored)).isEqualTo(download.body());
            assertThat(consoleEventReasons()).contains(LogBundleUploads.STORED);
            assertThat(consoleEventTexts()).doesNotContain(SECRETS);
            assertThat(get("/api/gateways/" + gatewayId + "/commands").body()).doesNotContain(SECRETS);
            assertThat(logs.all()).doesNotContain(SECRETS);
            assertThat(agentBundleFolder()).as("the agent keeps no copy").isEmpty();
        }
    }

    @Test
    void aCorruptedUploadIsRefusedAndNothingOfItStays() throws Exception {
        Path gate = tmp.resolve("gate");
        start(Map.of(), gatedScript(gate), fixtureRoot());
        CommandRecord command = console.commands().submit(gatewayId, LogsCollectHandler.TYPE, "{}");
        awaitUntil(
                "the agent took the command and waits at the gate",
                () -> console.commands().get(command.id()).status(),
                CommandState.ACKED::equals);

        byte[] bundle = "what the agent means to send\n".repeat(2000).getBytes();
        byte[] corrupted = bundle.clone();
        corrupted[30_000] ^= 0x20;
        Status refused = uploadOnTheAgentsChannel(
                LogBundleHeader.newBuilder()
                        .setCommandId(command.id())
                        .setFileName("pcg-logs-appliance-20260101T000000Z.tgz")
                        .setSizeBytes(bundle.length)
                        .setSha256(sha256(bundle))
                        .build(),
                corrupted);

        assertThat(refused.getCode()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(refused.getDescription()).contains("corrupted");
        assertThat(get("/api/gateways/" + gatewayId + "/log-bundles").body()).isEqualTo("[]");
        assertThat(filesUnder(console.context()
                        .getBean(io.pcg.console.ConsoleConfig.class)
                        .dataDir()
                        .resolve("log-bundles")))
                .as("no part left")
                .isEmpty();
        assertThat(consoleEventReasons()).contains(LogBundleUploads.REFUSED);

        Files.createFile(gate);
        CommandRecord finished = awaitUntil(
                "the agent's own upload",
                () -> console.commands().get(command.id()),
                record -> record.status().isFinal());
        assertThat(finished.status()).as(String.valueOf(finished.error())).isEqualTo(CommandState.SUCCEEDED);
        JsonNode result = JSON.readTree(finished.resultJson());
        assertThat(sha256(Files.readAllBytes(onlyBundleFile())))
                .isEqualTo(result.get("sha256").asText());
    }

    @Test
    void aCollectionThatOutlivesItsConnectionUploadsOnTheNextOne() throws Exception {
        Path gate = tmp.resolve("gate");
        start(Map.of(), gatedScript(gate), fixtureRoot());
        GatewayLink link = agent.getBean(GatewayLink.class);
        Channel first = link.registeredChannel().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        CommandRecord command = console.commands().submit(gatewayId, LogsCollectHandler.TYPE, "{}");
        awaitUntil(
                "the agent took the command and waits at the gate",
                () -> console.commands().get(command.id()).status(),
                CommandState.ACKED::equals);

        console.context().getBean(GatewaySessions.class).disconnectAll();
        Channel next = link.registeredChannel(first).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(next).as("the channel of the new connection").isNotSameAs(first);
        Files.createFile(gate);

        CommandRecord finished = awaitUntil(
                "the upload on the new connection",
                () -> console.commands().get(command.id()),
                record -> record.status().isFinal());
        assertThat(finished.status()).as(String.valueOf(finished.error())).isEqualTo(CommandState.SUCCEEDED);
        assertThat(sha256(Files.readAllBytes(onlyBundleFile())))
                .isEqualTo(JSON.readTree(finished.resultJson()).get("sha256").asText());
    }

    @Test
    void aBundleOverTheConsolesBoundIsRefusedAndTheCommandFails() throws Exception {
        Path root = fixtureRoot();
        byte[] noise = new byte[48 * 1024];
        new Random(7).nextBytes(noise);
        Files.writeString(
                root.resolve("var/log/kern.log"), Base64.getMimeEncoder().encodeToString(noise) + "\n");
        start(Map.of("pcg.console.max-log-bundle-size", 16 * 1024), SCRIPT, root);

        CommandRecord command = console.commands().submit(gatewayId, LogsCollectHandler.TYPE, "{}");
        CommandRecord finished = awaitUntil(
                "the command finishes",
                () -> console.commands().get(command.id()),
                record -> record.status().isFinal());

        assertThat(finished.status()).isEqualTo(CommandState.FAILED);
        assertThat(finished.error().code()).isEqualTo(LogsCollectHandler.UPLOAD_REFUSED);
        assertThat(finished.error().message()).contains("RESOURCE_EXHAUSTED", "pcg.console.max-log-bundle-size");
        assertThat(get("/api/gateways/" + gatewayId + "/log-bundles").body()).isEqualTo("[]");
        assertThat(agentBundleFolder()).isEmpty();
    }

    @Test
    void aMissingScriptFailsTheCommandWithTheSettingToFix() throws Exception {
        start(Map.of(), tmp.resolve("not-installed/collect-logs.sh"), fixtureRoot());

        CommandRecord command = console.commands().submit(gatewayId, LogsCollectHandler.TYPE, "{}");
        CommandRecord finished = awaitUntil(
                "the command finishes",
                () -> console.commands().get(command.id()),
                record -> record.status().isFinal());

        assertThat(finished.status()).isEqualTo(CommandState.FAILED);
        assertThat(finished.error().code()).isEqualTo(LogCollector.SCRIPT_MISSING);
        assertThat(finished.error().hint()).contains("pcg.agent.log-bundle.script");
    }

    private void start(Map<String, Object> consoleSettings, Path script, Path root) {
        console = EmbeddedConsole.start(tmp.resolve("console"), consoleSettings, null);
        GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
        gatewayId = issued.gateway().id();
        EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class,
                Map.of(
                        "micronaut.server.port", -1,
                        "pcg.agent.name", NAME,
                        "pcg.agent.console-endpoint", console.endpoint(),
                        "pcg.agent.pairing-code", issued.pin(),
                        "pcg.agent.state-dir", tmp.resolve("agent").toString(),
                        "pcg.agent.console-ca-file", console.caFile().toString(),
                        "pcg.agent.reconnect-max-delay", "1s",
                        "pcg.agent.log-bundle.script", script.toString(),
                        "pcg.agent.log-bundle.arguments", List.of("--root", root.toString())),
                GatewayAgentApplication.ENVIRONMENT);
        agent = server.getApplicationContext();
        AgentStatus status = agent.getBean(AgentStatus.class);
        awaitUntil("the agent is connected", () -> status.snapshot().phase(), AgentStatus.Phase.CONNECTED::equals);
    }

    /** An appliance's disk with a secret of several shapes in its configuration, logs and state. */
    private Path fixtureRoot() throws Exception {
        Path root = tmp.resolve("root");
        write(root, "etc/hostname", "appliance\n");
        write(root, "etc/pcg/agent.yml", """
                pcg:
                  agent:
                    name: "%s"
                    pairing-code: "%s"
                """.formatted(NAME, PIN_IN_FIXTURE));
        write(root, "var/log/pcg/agent.log", """
                pairing with code %s
                agent: identity stored
                vcenter password: %s
                GET /v1/pair Authorization: Bearer %s
                """.formatted(PIN_IN_FIXTURE, PASSWORD, BEARER));
        write(
                root,
                "var/lib/pcg/identity/key.pem",
                "-----BEGIN PRIVATE KEY-----\n" + KEY_BODY + "\n-----END PRIVATE KEY-----\n");
        write(root, "var/log/kern.log", "kernel: started\n");
        return root;
    }

    /** collect-logs.sh that starts only once {@code gate} exists: the command stays under way until the test lets it go. */
    private Path gatedScript(Path gate) throws Exception {
        Path script = write(tmp, "gated-collect-logs.sh", """
                #!/usr/bin/env bash
                while [[ ! -e %s ]]; do sleep 0.1; done
                exec %s "$@"
                """.formatted(gate, SCRIPT));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** A client's upload on the agent's own mTLS channel: the header as given, then {@code data} in 16 KiB chunks. */
    private Status uploadOnTheAgentsChannel(LogBundleHeader header, byte[] data) throws Exception {
        Channel channel = agent.getBean(GatewayLink.class).registeredChannel().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        CompletableFuture<Status> outcome = new CompletableFuture<>();
        StreamObserver<LogBundleChunk> call = GatewayGrpc.newStub(channel).uploadLogBundle(new StreamObserver<>() {
            @Override
            public void onNext(LogBundleReceipt receipt) {
                outcome.complete(Status.OK.withDescription("stored as " + receipt.getBundleId()));
            }

            @Override
            public void onError(Throwable error) {
                outcome.complete(Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                outcome.complete(Status.OK);
            }
        });
        call.onNext(LogBundleChunk.newBuilder().setHeader(header).build());
        for (int offset = 0; offset < data.length; offset += 16 * 1024) {
            call.onNext(LogBundleChunk.newBuilder()
                    .setData(ByteString.copyFrom(data, offset, Math.min(16 * 1024, data.length - offset)))
                    .build());
        }
        call.onCompleted();
        return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private Path onlyBundleFile() throws Exception {
        Path folder = console.context()
                .getBean(io.pcg.console.ConsoleConfig.class)
                .dataDir()
                .resolve("log-bundles");
        List<Path> bundles = filesUnder(folder).stream()
                .filter(path -> path.toString().endsWith(".tgz"))
                .toList();
        assertThat(bundles).hasSize(1);
        return bundles.get(0);
    }

    private List<Path> agentBundleFolder() throws Exception {
        return filesUnder(tmp.resolve("agent").resolve(LogsCollectHandler.FOLDER));
    }

    private List<String> consoleEventReasons() {
        return console.context().getBean(GatewayEvents.class).list(gatewayId).stream()
                .map(GatewayEvent::reason)
                .toList();
    }

    private String consoleEventTexts() {
        return console.context().getBean(GatewayEvents.class).list(gatewayId).toString();
    }

    private Map<String, String> unpack(byte[] bundle) throws Exception {
        Path archive = Files.write(tmp.resolve("downloaded.tgz"), bundle);
        Path into = Files.createDirectories(tmp.resolve("unpacked"));
        CommandRunner.Result untar = new ProcessCommandRunner(Duration.ofSeconds(60))
                .run(List.of("tar", "-xzf", archive.toString(), "-C", into.toString()));
        assertThat(untar.exitCode()).as(untar.stderr()).isZero();
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> paths = Files.walk(into)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                Path relative = into.relativize(file);
                files.put(relative.subpath(1, relative.getNameCount()).toString(), Files.readString(file));
            }
        }
        return files;
    }

    private static List<Path> filesUnder(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            return new ArrayList<>(paths.filter(Files::isRegularFile).toList());
        }
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return console.httpUri().resolve(path);
    }

    private static Path write(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static <T> T awaitUntil(String what, Callable<T> value, Predicate<T> condition) {
        return await(what)
                .atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(value, condition);
    }
}
