package io.pcg.simulators.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.process.CommandRunner;
import io.pcg.simulators.Clusterctl;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.testkit.vsphere.Vcsim;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the site around a gateway agent that runs as its own process. It owns what outlives the agent on a real
 * appliance (the kind cluster, the Cluster API providers, the gateway cluster's nodes) through {@link SimulatedTools},
 * and hands the agent two executables, {@code kind} and {@code clusterctl}, that forward each command line to it over
 * 127.0.0.1 and replay its exit code, stdout and stderr. The agent points {@code pcg.agent.bootstrap.kind} /
 * {@code clusterctl} at them and runs its production bootstrap code; killing the agent, even with {@code kill -9},
 * leaves the site running, as killing the agent on the appliance leaves kind's containers running.
 *
 * <p>The forwarders are bash scripts that need {@code curl} ({@code scripts/lib/deps.sh} installs it).
 */
public final class SimulatedSite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSite.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXIT_HEADER = "x-pcg-exit";
    private static final String STDERR_HEADER = "x-pcg-stderr";
    private static final int STDERR_LIMIT = 16 * 1024;

    private final SimulatedTools tools;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "simulated-site");
        thread.setDaemon(true);
        return thread;
    });
    private final Path bin;

    private SimulatedSite(SimulatedTools tools, Path dir) throws IOException {
        this.tools = tools;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/run", this::run);
        server.createContext("/clusters", this::clusters);
        server.setExecutor(executor);
        server.start();
        this.bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("kind", "clusterctl")) {
            writeForwarder(bin.resolve(tool), tool, url());
        }
    }

    /** Serves {@code tools} to agent processes; the forwarders go to {@code dir/bin}. */
    public static SimulatedSite start(SimulatedTools tools, Path dir) throws IOException {
        return new SimulatedSite(tools, dir);
    }

    /** The simulated tools behind the site: faults, delays, the clusters they started, the commands they ran. */
    public SimulatedTools tools() {
        return tools;
    }

    /** The {@code kind} the agent runs ({@code pcg.agent.bootstrap.kind}). */
    public Path kind() {
        return bin.resolve("kind");
    }

    /** The {@code clusterctl} the agent runs ({@code pcg.agent.bootstrap.clusterctl}). */
    public Path clusterctl() {
        return bin.resolve("clusterctl");
    }

    /** Where the forwarders send their command lines. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * {@code POST /run} with the command line as NUL-terminated arguments (tool first) → 200 with the command's
     * stdout as the body, its exit code in {@value #EXIT_HEADER} and its stderr, escaped for bash's {@code printf %b},
     * in {@value #STDERR_HEADER}. A request the site cannot run gets another status and the reason in the latter.
     */
    private void run(HttpExchange exchange) throws IOException {
        // The exchange is closed only after a failure was answered: closed first, the caller would get no reply.
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                refuse(exchange, 405, "POST a command line");
                return;
            }
            List<String> command;
            try (InputStream body = exchange.getRequestBody()) {
                command = nulTerminated(body.readAllBytes());
            }
            if (command.isEmpty()) {
                refuse(exchange, 400, "no command line in the request");
                return;
            }
            CommandRunner.Result result;
            try {
                result = tools.run(command);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Simulator: {} failed: {}", command.get(0), e.toString());
                refuse(exchange, 500, String.valueOf(e.getMessage()));
                return;
            }
            byte[] stdout = result.stdout().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set(EXIT_HEADER, Integer.toString(result.exitCode()));
            exchange.getResponseHeaders().set(STDERR_HEADER, escapeForPrintf(result.stderr()));
            exchange.sendResponseHeaders(200, stdout.length == 0 ? -1 : stdout.length);
            exchange.getResponseBody().write(stdout);
        }
    }

    private static void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        exchange.getResponseHeaders().set(EXIT_HEADER, "1");
        exchange.getResponseHeaders().set(STDERR_HEADER, escapeForPrintf(reason));
        exchange.sendResponseHeaders(status, -1);
    }

    /** The arguments of {@code printf '%s\0' args...}: each one ends with a NUL, and none can contain one. */
    static List<String> nulTerminated(byte[] body) {
        List<String> arguments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                arguments.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return arguments;
    }

    /**
     * Text as one header value that bash's {@code printf %b} turns back into the same bytes: printable ASCII but the
     * backslash stays, every other byte becomes {@code \xHH}. A tool's stderr is a few lines; past
     * {@value #STDERR_LIMIT} bytes only the end is kept (curl refuses header lines over 100 KB).
     */
    static String escapeForPrintf(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder escaped = new StringBuilder();
        int from = 0;
        if (bytes.length > STDERR_LIMIT) {
            from = bytes.length - STDERR_LIMIT;
            escaped.append(escapeForPrintf("[simulated site: " + from + " earlier bytes left out]\n"));
        }
        for (int i = from; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b > 0x20 && b < 0x7f && b != '\\') {
                escaped.append((char) b);
            } else {
                escaped.append(String.format("\\x%02x", b));
            }
        }
        return escaped.toString();
    }

    /** {@code GET /clusters}: the API server of each kind cluster and each workload cluster, for the demo's summary. */
    private void clusters(HttpExchange exchange) throws IOException {
        try (exchange) {
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode kind = answer.putObject("kind");
            tools.kindClusters()
                    .forEach((name, server) -> kind.put(name, server.url().toString()));
            ObjectNode workloads = answer.putObject("workloads");
            tools.workloads()
                    .started()
                    .forEach((name, server) -> workloads.put(name, server.url().toString()));
            respond(exchange, 200, answer);
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * A bash executable that sends {@code tool "$@"} to the site and replays the answer, with no process but curl: the
     * arguments travel NUL-terminated (so none is split or read as an option), stdout streams straight through, and
     * the exit code and stderr come back in headers. Tool calls are timed by the site, not here, so what this script
     * costs counts as the caller's time in benchmarks: it is kept to bash and one curl.
     */
    private static void writeForwarder(Path file, String tool, URI site) throws IOException {
        String script = String.join(
                "\n",
                "#!/usr/bin/env bash",
                "# SIMULATOR (io.pcg.simulators.site.SimulatedSite), never part of the appliance: runs '" + tool
                        + "' on the",
                "# simulated site at " + site + " and replays its exit code, stdout and stderr.",
                "set -uo pipefail",
                "exec 3>&1",
                "if ! answer=$(printf '%s\\0' " + tool + " \"$@\" | curl -sS --data-binary @- -H 'Content-Type:"
                        + " application/octet-stream' -w '%{stderr}%{http_code} %header{" + EXIT_HEADER + "} %header{"
                        + STDERR_HEADER + "}' " + site + "/run 2>&1 >&3); then",
                "  printf '%s\\n' \"" + tool + " (simulated): the simulated site at " + site
                        + " did not answer: $answer\" >&2",
                "  exit 1",
                "fi",
                "read -r status code stderr <<<\"$answer\"",
                // curl 7.88 leaves the header line's CR in an empty value; the site escapes every CR it sends
                "stderr=${stderr%$'\\r'}",
                "if [[ $status != 200 ]]; then",
                "  printf '%s (simulated): the simulated site at %s refused the command (HTTP %s): %b\\n' " + tool + " "
                        + site + " \"$status\" \"${stderr:-}\" >&2",
                "  exit 1",
                "fi",
                "printf '%b' \"${stderr:-}\" >&2",
                "exit \"$code\"",
                "");
        AtomicFiles.write(file, script.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        tools.close();
    }

    /**
     * The demo's site: {@code SimulatedSite DIR}. vCenter comes from {@code PCG_SITE_VCENTER} ({@code host:port}),
     * {@code PCG_SITE_VCENTER_USERNAME} and {@code PCG_SITE_VCENTER_PASSWORD} (the environment, never the command line);
     * govc from {@code pcg.vcsim.bin}, the real clusterctl from {@code pcg.clusterctl.bin}, and each simulated provider
     * step takes {@code pcg.site.step} (an ISO-8601 duration, default PT0.2S, so the console sees each milestone).
     * Once it serves, it writes {@code DIR/site.json} ({@code url}, {@code kind}, {@code clusterctl}); it runs until
     * it is terminated, and takes its clusters down with it.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println(
                    "usage: SimulatedSite DIR   (vCenter from PCG_SITE_VCENTER, PCG_SITE_VCENTER_USERNAME, PCG_SITE_VCENTER_PASSWORD)");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        VcenterAccess vcenter = VcenterAccess.confirmingCertificate(
                Vcsim.binDir().resolve("govc"),
                required("PCG_SITE_VCENTER"),
                required("PCG_SITE_VCENTER_USERNAME"),
                required("PCG_SITE_VCENTER_PASSWORD"));
        Path clusterctl = Clusterctl.binDir().resolve("clusterctl");
        Delays delays = Delays.uniform(Duration.parse(System.getProperty("pcg.site.step", "PT0.2S")));
        SimulatedSite site = start(new SimulatedTools(vcenter, delays, Faults.none(), clusterctl), dir);
        Runtime.getRuntime().addShutdownHook(new Thread(site::close, "simulated-site-stop"));
        ObjectNode description = JSON.createObjectNode()
                .put("url", site.url().toString())
                .put("kind", site.kind().toString())
                .put("clusterctl", site.clusterctl().toString());
        AtomicFiles.write(dir.resolve("site.json"), JSON.writeValueAsBytes(description), AtomicFiles.WORLD_READABLE);
        Thread.currentThread().join();
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " is not set; see SimulatedSite.main");
        }
        return value;
    }
}
