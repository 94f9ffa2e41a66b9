package io.pcg.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.health.AgentStatus;
import io.pcg.common.files.FileTrees;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandService;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.GatewayService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * logs.collect against an in-process dev-console with the agent application in this JVM:
 * {@code logs_collect_ms} with the repository's collect-logs.sh over a fixture tree of {@value #FIXTURE_MIB} MiB of
 * logs, of which the script keeps the last 10000 lines each (collection, redaction, packing, upload, storage), and its
 * {@code log_bundle_kb}; and
 * {@code log_bundle_upload_mib_s}, the upload alone: a stand-in script hands over a ready {@value #UPLOAD_MIB} MiB
 * bundle, so the time is hashing, chunked upload over mTLS, the console's check and store.
 */
public final class LogBundleBench {

    static final int FIXTURE_MIB = 8;
    static final int UPLOAD_MIB = 64;
    private static final Path SCRIPT = Path.of("scripts", "collect-logs.sh").toAbsolutePath();
    private static final Duration WAIT = Duration.ofMinutes(5);

    private LogBundleBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pcg-logbundle-bench");
        try {
            Path root = fixture(work.resolve("root"));
            CommandRecord collected = collect(work.resolve("real"), SCRIPT, root);
            System.out.println("logs_collect_ms: " + millis(collected) + " ms");
            System.out.println("log_bundle_kb: " + sizeBytes(collected) / 1024 + " kb");

            CommandRecord uploaded = collect(work.resolve("upload"), standIn(work), root);
            double seconds = millis(uploaded) / 1000.0;
            System.out.println("log_bundle_upload_mib_s: "
                    + String.format("%.1f", sizeBytes(uploaded) / 1048576.0 / seconds) + " MiB/s");
        } finally {
            FileTrees.delete(work);
        }
    }

    /** One logs.collect from submission to the console's record of success. */
    private static CommandRecord collect(Path work, Path script, Path root) {
        try (EmbeddedConsole console = EmbeddedConsole.start(work.resolve("console"))) {
            GatewayService.IssuedPin issued = console.gateways().create("pcg-bench", Optional.empty());
            EmbeddedServer server = ApplicationContext.run(
                    EmbeddedServer.class,
                    Map.of(
                            "micronaut.server.port", -1,
                            "pcg.agent.name", "pcg-bench",
                            "pcg.agent.console-endpoint", console.endpoint(),
                            "pcg.agent.pairing-code", issued.pin(),
                            "pcg.agent.state-dir", work.resolve("agent").toString(),
                            "pcg.agent.console-ca-file", console.caFile().toString(),
                            "pcg.agent.log-bundle.script", script.toString(),
                            "pcg.agent.log-bundle.arguments", List.of("--root", root.toString())),
                    GatewayAgentApplication.ENVIRONMENT);
            try (ApplicationContext agent = server.getApplicationContext()) {
                AgentStatus status = agent.getBean(AgentStatus.class);
                await().atMost(WAIT).until(() -> status.snapshot().phase() == AgentStatus.Phase.CONNECTED);
                CommandService commands = console.commands();
                String id = commands.submit(issued.gateway().id(), "logs.collect", "{}")
                        .id();
                CommandRecord done = await().atMost(WAIT)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> commands.get(id), record -> record.status().isFinal());
                if (done.status() != CommandState.SUCCEEDED) {
                    throw new IllegalStateException("logs.collect failed: " + done.error());
                }
                return done;
            }
        }
    }

    private static long millis(CommandRecord record) {
        return Duration.between(record.submittedAt(), record.finishedAt()).toMillis();
    }

    private static long sizeBytes(CommandRecord record) throws Exception {
        return new ObjectMapper().readTree(record.resultJson()).get("sizeBytes").asLong();
    }

    /** An appliance's logs: base64 noise (compresses like real logs rather poorly, a worst case for the bundle's size). */
    private static Path fixture(Path root) throws Exception {
        Random random = new Random(1);
        Files.createDirectories(root.resolve("var/log/pcg"));
        Files.createDirectories(root.resolve("etc/pcg"));
        Files.writeString(root.resolve("etc/hostname"), "bench\n");
        Files.writeString(root.resolve("etc/pcg/agent.yml"), "pcg:\n  agent:\n    name: \"pcg-bench\"\n");
        for (String log :
                List.of("var/log/syslog", "var/log/kern.log", "var/log/pcg/agent.log", "var/log/cloud-init.log")) {
            byte[] noise = new byte[FIXTURE_MIB * 1024 * 1024 / 4 * 3 / 4];
            random.nextBytes(noise);
            Files.writeString(root.resolve(log), Base64.getMimeEncoder().encodeToString(noise) + "\n");
        }
        return root;
    }

    /** Hands over a ready bundle of random bytes, as if collect-logs.sh had written it. */
    private static Path standIn(Path work) throws Exception {
        byte[] bundle = new byte[UPLOAD_MIB * 1024 * 1024];
        new Random(2).nextBytes(bundle);
        Path ready = Files.write(work.resolve("ready.tgz"), bundle);
        Path script = Files.writeString(work.resolve("stand-in.sh"), """
                #!/usr/bin/env bash
                while [[ $# -gt 0 ]]; do case $1 in --out) out=$2; shift 2 ;; *) shift ;; esac; done
                cp %s "$out/pcg-logs-bench-20260101T000000Z.tgz"
                echo "$out/pcg-logs-bench-20260101T000000Z.tgz"
                """.formatted(ready));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
