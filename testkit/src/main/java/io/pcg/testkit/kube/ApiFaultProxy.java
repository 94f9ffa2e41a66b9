package io.pcg.testkit.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on 127.0.0.1 in front of the real {@link KubeApiServer} that answers chosen requests with an error
 * instead of forwarding them, as an overloaded, failing or racing API server does: the next {@code n} requests of a
 * method get a 409 Conflict, a 500 or any status with a Kubernetes {@code Status} body. Everything else goes to the
 * real server, with the cluster admin's token, and its answer comes back unchanged, so the client sees a real
 * server apart from the injected faults.
 *
 * <p>Clients speak plain HTTP to it ({@link #config()}, {@link #kubeconfig()}): it holds no serving certificate and
 * listens on loopback only. Whole-server outages are {@link KubeApiServer#stop()} and {@link KubeApiServer#restart()}.
 */
public final class ApiFaultProxy implements AutoCloseable {

    /** Headers the JDK's client sets itself or that describe the hop, not the request. */
    private static final Set<String> HOP_HEADERS = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "http2-settings",
            "authorization",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "proxy-connection");

    private final KubeApiServer server;
    private final HttpServer listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "api-fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient upstream;
    private final Path kubeconfig;
    private final AtomicInteger faultsServed = new AtomicInteger();
    private volatile Fault fault = new Fault("", 0, "", "", 0);

    private record Fault(String method, int code, String reason, String causeReason, int remaining) {}

    private ApiFaultProxy(KubeApiServer server) throws IOException {
        this.server = server;
        this.upstream = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(KubeApiServer.trusting(server.caFile()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        listener.setExecutor(threads);
        listener.createContext("/", this::handle);
        listener.start();
        this.kubeconfig = Files.createTempFile("pcg-api-fault-proxy-", ".kubeconfig");
        Files.writeString(
                kubeconfig,
                Serialization.asYaml(new ConfigBuilder()
                        .addNewCluster()
                        .withName("faulty")
                        .withNewCluster()
                        .withServer(url().toString())
                        .endCluster()
                        .endCluster()
                        .addNewUser()
                        .withName("through-proxy")
                        .withNewUser()
                        .endUser()
                        .endUser()
                        .addNewContext()
                        .withName("faulty")
                        .withNewContext()
                        .withCluster("faulty")
                        .withUser("through-proxy")
                        .endContext()
                        .endContext()
                        .withCurrentContext("faulty")
                        .build()));
    }

    public static ApiFaultProxy start(KubeApiServer server) {
        try {
            return new ApiFaultProxy(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the API fault proxy", e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + listener.getAddress().getPort());
    }

    /** A fabric8 configuration that goes through the proxy. */
    public Config config() {
        try {
            return Config.fromKubeconfig(Files.readString(kubeconfig));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kubeconfig file that goes through the proxy. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * The next {@code times} requests with {@code method} (e.g. PATCH, the verb of server-side apply) are answered
     * with {@code code} and a {@code Status} of {@code reason}; replaces any fault still pending.
     */
    public void failNext(String method, int times, int code, String reason) {
        fault = new Fault(method.toUpperCase(Locale.ROOT), code, reason, "", times);
    }

    /** Like {@link #failNext(String, int, int, String)}, with one cause of {@code causeReason} in the status' details. */
    public void failNext(String method, int times, int code, String reason, String causeReason) {
        fault = new Fault(method.toUpperCase(Locale.ROOT), code, reason, causeReason, times);
    }

    /** How many requests were answered with an injected fault so far. */
    public int faultsServed() {
        return faultsServed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Fault injected = take(exchange.getRequestMethod());
            if (injected != null) {
                exchange.getRequestBody().readAllBytes();
                faultsServed.incrementAndGet();
                respond(
                        exchange,
                        injected.code(),
                        Map.of("Content-Type", List.of("application/json")),
                        status(injected));
                return;
            }
            forward(exchange);
        }
    }

    private synchronized Fault take(String method) {
        Fault pending = fault;
        if (pending.remaining() <= 0 || !pending.method().equalsIgnoreCase(method)) {
            return null;
        }
        fault = new Fault(
                pending.method(), pending.code(), pending.reason(), pending.causeReason(), pending.remaining() - 1);
        return pending;
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        server.url().resolve(exchange.getRequestURI().toString()))
                .method(
                        exchange.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + server.token());
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> answer;
        try {
            answer = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException unreachable) {
            // What a load balancer in front of a dead API server answers.
            respond(
                    exchange,
                    503,
                    Map.of("Content-Type", List.of("application/json")),
                    status(new Fault("", 503, "ServiceUnavailable", "", 0)));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
        respond(exchange, answer.statusCode(), answer.headers().map(), answer.body());
    }

    private static void respond(HttpExchange exchange, int code, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] status(Fault fault) {
        StatusBuilder status = new StatusBuilder()
                .withStatus("Failure")
                .withCode(fault.code())
                .withReason(fault.reason())
                .withMessage("injected by the test's API fault proxy: " + fault.reason());
        if (!fault.causeReason().isEmpty()) {
            status.withNewDetails()
                    .addNewCause()
                    .withReason(fault.causeReason())
                    .withMessage("injected")
                    .endCause()
                    .endDetails();
        }
        return Serialization.asJson(status.build()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        listener.stop(0);
        threads.shutdownNow();
        try {
            Files.deleteIfExists(kubeconfig);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }
}
