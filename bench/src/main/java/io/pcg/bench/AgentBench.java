package io.pcg.bench;

import io.grpc.ManagedChannel;
import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.identity.PairingClient;
import io.pcg.agent.link.ConsoleChannels;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.secrets.Secret;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.CommandResult;
import io.pcg.proto.v1.CommandStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The agent's figures from issue 2, against an in-process dev-console and the agent as its own process started the way
 * the appliance starts it (shaded jar when built, JVM flags of the systemd unit):
 * agent_start_ms, pair_ms, control_rtt_p50_ms, control_rtt_p99_ms, reconnect_ms, agent_rss_mb.
 */
public final class AgentBench {

    /** The JVM flags the appliance's pcg-agent.service uses; keep in sync with docs/agent.md. */
    static final List<String> AGENT_JVM_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-Xmx128m",
            "-Xms32m",
            "-Xmn8m",
            "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
            "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:ReservedCodeCacheSize=32m");

    private static final int COMMANDS_IN_FLIGHT = 1000;
    private static final int PAIRINGS = 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AgentBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pcg-agent-bench");
        EmbeddedConsole console = EmbeddedConsole.start(work.resolve("console"));
        int grpcPort = console.grpcPort();
        Process agent = null;
        try {
            System.out.println("pair_ms: " + format(pairMillis(console)) + " ms");

            // The appliance image ships a class-data-sharing archive made by one training run; so does the benchmark.
            Path archive = work.resolve("agent.jsa");
            int trainingPort = freePort();
            Process training = startAgent(
                    agentConfig(work, console, "pcg-training", trainingPort),
                    work.resolve("training.log"),
                    "-XX:ArchiveClassesAtExit=" + archive);
            await(
                    URI.create("http://127.0.0.1:" + trainingPort + "/health/agent"),
                    body -> body.contains("\"phase\":\"CONNECTED\""));
            training.destroy();
            training.waitFor(30, TimeUnit.SECONDS);

            GatewayService.IssuedPin issued = console.gateways().create("pcg-bench", Optional.empty());
            int healthPort = freePort();
            Path config = agentConfig(work, console, issued, healthPort);
            URI health = URI.create("http://127.0.0.1:" + healthPort + "/health/agent");

            long started = System.nanoTime();
            agent = startAgent(config, work.resolve("agent.log"), "-XX:SharedArchiveFile=" + archive);
            await(health, body -> true);
            System.out.println("agent_start_ms: " + format((System.nanoTime() - started) / 1e6) + " ms");
            await(health, body -> body.contains("\"phase\":\"CONNECTED\""));

            String gatewayId = issued.gateway().id();
            for (int warmup = 0; warmup < 5; warmup++) {
                roundTrips(console, gatewayId);
            }
            double[] rtt = roundTrips(console, gatewayId);
            System.out.println("control_rtt_p50_ms: " + format(percentile(rtt, 50)) + " ms");
            System.out.println("control_rtt_p99_ms: " + format(percentile(rtt, 99)) + " ms");

            Thread.sleep(3_000);
            System.out.println("agent_rss_mb: " + format(rssMegabytes(agent.pid())) + " mb");

            console.close();
            await(health, body -> !body.contains("\"phase\":\"CONNECTED\""));
            Thread.sleep(2_000);
            console = EmbeddedConsole.start(work.resolve("console"), Map.of("pcg.console.grpc-port", grpcPort), null);
            long back = System.nanoTime();
            await(health, body -> body.contains("\"phase\":\"CONNECTED\""));
            System.out.println("reconnect_ms: " + format((System.nanoTime() - back) / 1e6) + " ms");
        } finally {
            if (agent != null) {
                agent.destroy();
                agent.waitFor(10, TimeUnit.SECONDS);
            }
            console.close();
        }
    }

    /** Median of fresh pairings, each with its own key pair, CSR and TLS connection, as on first boot. */
    private static double pairMillis(EmbeddedConsole console) throws Exception {
        ConsoleChannels channels = new ConsoleChannels(
                ConsoleEndpoint.parse(console.endpoint()),
                ProxySettings.DIRECT,
                Optional.of(console.caFile()),
                Duration.ofSeconds(5),
                Duration.ofSeconds(20),
                Duration.ofSeconds(10),
                "pcg-bench");
        double[] millis = new double[PAIRINGS];
        for (int i = -5; i < PAIRINGS; i++) {
            GatewayService.IssuedPin issued = console.gateways().create("pcg-pair-" + (i + 5), Optional.empty());
            long start = System.nanoTime();
            ManagedChannel channel = channels.forPairing();
            try {
                new PairingClient(channel, Duration.ofSeconds(30), "localhost", "")
                        .pair(issued.gateway().name(), Secret.of(issued.pin()), "bench");
            } finally {
                ConsoleChannels.close(channel);
            }
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return percentile(millis, 50);
    }

    /** Submits all commands at once, then measures each one from submission to its result. */
    private static double[] roundTrips(EmbeddedConsole console, String gatewayId) throws Exception {
        long[] submitted = new long[COMMANDS_IN_FLIGHT];
        long[] finished = new long[COMMANDS_IN_FLIGHT];
        List<CompletableFuture<CommandResult>> results = new ArrayList<>(COMMANDS_IN_FLIGHT);
        for (int i = 0; i < COMMANDS_IN_FLIGHT; i++) {
            int index = i;
            submitted[i] = System.nanoTime();
            String id = console.commands()
                    .submit(gatewayId, PingCommandHandler.TYPE, "{\"i\":" + i + "}")
                    .id();
            results.add(console.commands()
                    .result(id)
                    .whenComplete((result, failure) -> finished[index] = System.nanoTime()));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double[] millis = new double[COMMANDS_IN_FLIGHT];
        for (int i = 0; i < COMMANDS_IN_FLIGHT; i++) {
            if (results.get(i).get().getStatus() != CommandStatus.COMMAND_STATUS_SUCCEEDED) {
                throw new IllegalStateException(
                        "agent.ping failed: " + results.get(i).get());
            }
            millis[i] = (finished[i] - submitted[i]) / 1e6;
        }
        return millis;
    }

    private static Path agentConfig(Path work, EmbeddedConsole console, String name, int healthPort)
            throws IOException {
        return agentConfig(work, console, console.gateways().create(name, Optional.empty()), healthPort);
    }

    /** The agent.yml the installer would write, with the agent's own state folder. */
    private static Path agentConfig(Path work, EmbeddedConsole console, GatewayService.IssuedPin issued, int healthPort)
            throws IOException {
        String name = issued.gateway().name();
        Path config = work.resolve(name + ".yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "micronaut:",
                        "  server:",
                        "    port: " + healthPort,
                        "pcg:",
                        "  agent:",
                        "    name: " + name,
                        "    console-endpoint: " + console.endpoint(),
                        "    pairing-code: " + issued.pin(),
                        "    state-dir: " + work.resolve(name + "-state"),
                        "    console-ca-file: " + console.caFile(),
                        ""));
        return config;
    }

    private static Process startAgent(Path config, Path log, String sharedArchiveFlag) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(AGENT_JVM_FLAGS);
        command.add(sharedArchiveFlag);
        Optional<Path> shadedJar = shadedAgentJar();
        if (shadedJar.isPresent()) {
            command.addAll(List.of("-jar", shadedJar.get().toString()));
        } else {
            command.addAll(
                    List.of("-cp", System.getProperty("java.class.path"), "io.pcg.agent.GatewayAgentApplication"));
        }
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MICRONAUT_CONFIG_FILES", config.toString());
        return builder.start();
    }

    private static Optional<Path> shadedAgentJar() throws IOException {
        for (Path folder : List.of(Path.of("gateway-agent/target"), Path.of("../gateway-agent/target"))) {
            if (Files.isDirectory(folder)) {
                try (var files = Files.list(folder)) {
                    Optional<Path> jar = files.filter(
                                    p -> p.getFileName().toString().matches("gateway-agent-.*-all\\.jar"))
                            .findFirst();
                    if (jar.isPresent()) {
                        return jar;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Polls the local health endpoint until its body matches; the endpoint answers 503 until connected. */
    private static void await(URI health, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                String body = HTTP.send(
                                HttpRequest.newBuilder(health)
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                if (condition.test(body)) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("agent health never matched at " + health);
    }

    private static double rssMegabytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    static double percentile(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
