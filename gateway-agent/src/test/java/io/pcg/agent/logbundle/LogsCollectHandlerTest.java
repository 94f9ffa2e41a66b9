package io.pcg.agent.logbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.common.process.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logs.collect with real scripts standing in for collect-logs.sh and a fake console upload: what the command answers
 * for each outcome, the one retry after a broken-off transfer, and that no bundle stays on the appliance.
 */
class LogsCollectHandlerTest {

    private static final String CONTENT = "pretend this is a tgz";

    @TempDir
    Path dir;

    private final FakeUpload upload = new FakeUpload();

    @Test
    void collectsUploadsAndAnswersWithTheReceipt() throws Exception {
        LogsCollectHandler handler = handler(script("""
                printf '%s' > "$out/pcg-logs-host-20260101T000000Z.tgz"
                echo "collect-logs: wrote it" >&2
                echo "$out/pcg-logs-host-20260101T000000Z.tgz"
                """.formatted(CONTENT)), Duration.ofSeconds(30));

        JsonNode result = new ObjectMapper().readTree(handler.handle(command("{}")));

        String sha256 = LogCollector.sha256(write("expected", CONTENT));
        assertThat(upload.sent).singleElement().satisfies(sent -> {
            assertThat(sent.commandId()).isEqualTo("cmd-1");
            assertThat(sent.fileName()).isEqualTo("pcg-logs-host-20260101T000000Z.tgz");
            assertThat(sent.sizeBytes()).isEqualTo(CONTENT.length());
            assertThat(sent.sha256()).isEqualTo(sha256);
            assertThat(sent.content()).isEqualTo(CONTENT);
        });
        assertThat(result.get("bundleId").asText()).isEqualTo("lb-000000000001");
        assertThat(result.get("fileName").asText()).isEqualTo("pcg-logs-host-20260101T000000Z.tgz");
        assertThat(result.get("sizeBytes").asLong()).isEqualTo(CONTENT.length());
        assertThat(result.get("sha256").asText()).isEqualTo(sha256);
        assertThat(bundlesLeft()).as("the appliance keeps no copy").isEmpty();
    }

    @Test
    void passesTheConfiguredArgumentsThenItsOwn() throws Exception {
        Path seen = dir.resolve("arguments");
        LogsCollectHandler handler = handler(
                script("""
                echo "$arguments" > %s
                printf 'x' > "$out/b.tgz"; echo "$out/b.tgz"
                """.formatted(seen)),
                config(List.of("--max-lines", "2000"), Duration.ofSeconds(30), 5L * 1024 * 1024));

        handler.handle(command("{}"));

        assertThat(Files.readString(seen))
                .matches("--max-lines 2000 --out \\S+/log-bundles/collect-\\d+ --max-total-mb 5\\n");
    }

    @Test
    void aMissingScriptFailsWithTheSettingToFix() {
        LogsCollectHandler handler = handler(dir.resolve("no-such-script.sh"), Duration.ofSeconds(30));

        assertFails(handler, "{}", LogCollector.SCRIPT_MISSING, "does not exist", "pcg.agent.log-bundle.script");
        assertThat(upload.sent).isEmpty();
    }

    @Test
    void aFailingScriptFailsWithItsReasonAndNoSecret() throws Exception {
        LogsCollectHandler handler = handler(script("""
                echo "collect-logs: skipped /var/log/syslog*: not found" >&2
                echo "collect-logs: ERROR cannot write the bundle to /full (password=Hunter2-Log)" >&2
                exit 1
                """), Duration.ofSeconds(30));

        CommandFailedException failure = assertFails(
                handler,
                "{}",
                LogCollector.COLLECTION_FAILED,
                "exit code 1: collect-logs: ERROR cannot write the bundle to /full",
                "sudo pcg logs");
        assertThat(failure.getMessage()).doesNotContain("Hunter2-Log");
        assertThat(bundlesLeft()).isEmpty();
    }

    @Test
    void aScriptThatRunsTooLongIsStopped() throws Exception {
        LogsCollectHandler handler = handler(script("exec sleep 30\n"), Duration.ofMillis(300));

        assertFails(
                handler,
                "{}",
                LogCollector.COLLECTION_TIMED_OUT,
                "did not finish within",
                "pcg.agent.log-bundle.timeout");
    }

    @Test
    void aScriptThatPrintsNoBundleFails() throws Exception {
        LogsCollectHandler handler = handler(script("echo /etc/passwd\n"), Duration.ofSeconds(30));

        assertFails(
                handler,
                "{}",
                LogCollector.COLLECTION_FAILED,
                "does not name a bundle",
                "prints the bundle's path last");
        assertThat(upload.sent).isEmpty();
    }

    @Test
    void aBundleOverTheAgentsBoundIsNotUploaded() throws Exception {
        LogsCollectHandler handler = handler(script("""
                head -c 1048577 /dev/zero > "$out/big.tgz"; echo "$out/big.tgz"
                """), config(List.of(), Duration.ofSeconds(30), 1024 * 1024));

        assertFails(handler, "{}", LogCollector.BUNDLE_TOO_LARGE, "1048577 bytes", "pcg.agent.log-bundle.max-size");
        assertThat(upload.sent).isEmpty();
        assertThat(bundlesLeft()).isEmpty();
    }

    @Test
    void aPayloadWithFieldsIsRefused() throws Exception {
        LogsCollectHandler handler = handler(script("exit 3\n"), Duration.ofSeconds(30));

        assertFails(handler, "{\"root\": \"/\"}", LogsCollectHandler.INVALID_REQUEST, "empty JSON object", "Send {}");
        assertFails(handler, "[]", LogsCollectHandler.INVALID_REQUEST, "empty JSON object", "Send {}");
    }

    @Test
    void aTransferThatBrokeOffIsSentOnceMore() throws Exception {
        upload.failures.add(new BundleUpload.UploadException(
                "UNAVAILABLE: connection reset", BundleUpload.UploadException.Kind.LINK_LOST));
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        handler.handle(command("{}"));

        assertThat(upload.sent).hasSize(2);
        assertThat(bundlesLeft()).isEmpty();
    }

    @Test
    void aTransferThatBreaksOffTwiceFailsTheCommand() throws Exception {
        upload.failures.add(new BundleUpload.UploadException(
                "UNAVAILABLE: connection reset", BundleUpload.UploadException.Kind.LINK_LOST));
        upload.failures.add(new BundleUpload.UploadException(
                "CANCELLED: stream closed", BundleUpload.UploadException.Kind.LINK_LOST));
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        assertFails(
                handler,
                "{}",
                LogsCollectHandler.UPLOAD_FAILED,
                "CANCELLED: stream closed; the console stored nothing",
                "connection to the console");
        assertThat(upload.sent).hasSize(2);
        assertThat(bundlesLeft()).isEmpty();
    }

    @Test
    void aRefusalIsNotSentAgain() throws Exception {
        upload.failures.add(new BundleUpload.UploadException(
                "DATA_LOSS: the bytes received have SHA-256 ...", BundleUpload.UploadException.Kind.REFUSED));
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        assertFails(
                handler,
                "{}",
                LogsCollectHandler.UPLOAD_REFUSED,
                "the console refused the bundle: DATA_LOSS",
                "send logs.collect again");
        assertThat(upload.sent).hasSize(1);
    }

    @Test
    void anUploadThatCouldNotStartIsNotSentAgain() throws Exception {
        upload.failures.add(new BundleUpload.UploadException(
                "the agent has not been connected to the console for 300 s", BundleUpload.UploadException.Kind.FAILED));
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        assertFails(
                handler, "{}", LogsCollectHandler.UPLOAD_FAILED, "has not been connected", "connection to the console");
        assertThat(upload.sent).hasSize(1);
    }

    @Test
    void aReceiptForOtherBytesFailsTheCommand() throws Exception {
        upload.receiptSha256 = "0".repeat(64);
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        assertFails(handler, "{}", LogsCollectHandler.UPLOAD_FAILED, "the console stored", "Send logs.collect again");
    }

    @Test
    void foldersLeftByAnAgentThatStoppedMidWayAreRemoved() throws Exception {
        Path left = Files.createDirectories(dir.resolve("state/log-bundles/collect-123"));
        Files.writeString(left.resolve("pcg-logs-old.tgz"), "old");
        LogsCollectHandler handler = handler(bundleScript(), Duration.ofSeconds(30));

        handler.handle(command("{}"));

        assertThat(bundlesLeft()).isEmpty();
    }

    private Path bundleScript() throws Exception {
        return script("printf 'bundle' > \"$out/pcg-logs-h-1.tgz\"; echo \"$out/pcg-logs-h-1.tgz\"\n");
    }

    private static CommandFailedException assertFails(
            LogsCollectHandler handler, String payload, String code, String message, String hint) {
        CommandFailedException[] thrown = new CommandFailedException[1];
        assertThatThrownBy(() -> handler.handle(command(payload)))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                    assertThat(e.hint()).contains(hint);
                    thrown[0] = e;
                });
        return thrown[0];
    }

    private LogsCollectHandler handler(Path script, Duration timeout) {
        return handler(script, config(List.of(), timeout, LogBundleConfig.DEFAULT_MAX_SIZE));
    }

    private LogsCollectHandler handler(Path script, LogBundleConfig settings) {
        LogBundleConfig config = new LogBundleConfig(
                script,
                settings.arguments(),
                settings.timeout(),
                settings.uploadTimeout(),
                settings.chunkSize(),
                settings.maxSize());
        return new LogsCollectHandler(
                new LogCollector(config, new ProcessCommandRunner(config.timeout())),
                upload,
                dir.resolve("state").resolve(LogsCollectHandler.FOLDER));
    }

    private static LogBundleConfig config(List<String> arguments, Duration timeout, long maxSize) {
        return new LogBundleConfig(
                Path.of(LogBundleConfig.DEFAULT_SCRIPT),
                arguments,
                timeout,
                Duration.ofSeconds(30),
                LogBundleConfig.DEFAULT_CHUNK_SIZE,
                maxSize);
    }

    /** A stand-in for collect-logs.sh: {@code $out} is its --out folder, {@code $arguments} all it was given. */
    private Path script(String body) throws Exception {
        Path script = write("collect.sh", """
                #!/usr/bin/env bash
                arguments="$*"
                out=
                while [[ $# -gt 0 ]]; do case $1 in --out) out=$2; shift 2 ;; *) shift ;; esac; done
                """ + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private List<Path> bundlesLeft() throws Exception {
        Path folder = dir.resolve("state").resolve(LogsCollectHandler.FOLDER);
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(path -> !path.equals(folder)).toList();
        }
    }

    private static AgentCommand command(String payload) {
        return new AgentCommand("cmd-1", LogsCollectHandler.TYPE, payload);
    }

    /** The console's side as the handler sees it: records what was sent, fails as told, then answers with a receipt. */
    private static final class FakeUpload implements BundleUpload {

        record Sent(String commandId, String fileName, long sizeBytes, String sha256, String content) {}

        final List<Sent> sent = new ArrayList<>();
        final Deque<UploadException> failures = new ArrayDeque<>();
        String receiptSha256;

        @Override
        public Receipt send(String commandId, LogBundle bundle) throws UploadException {
            try {
                sent.add(new Sent(
                        commandId,
                        bundle.fileName(),
                        bundle.sizeBytes(),
                        bundle.sha256(),
                        Files.readString(bundle.file())));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            return new Receipt(
                    "lb-000000000001", bundle.sizeBytes(), receiptSha256 == null ? bundle.sha256() : receiptSha256);
        }
    }
}
