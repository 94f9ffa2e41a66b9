package io.pcg.console;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.console.control.CommandService;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.grpc.ConsoleGrpcServer;
import io.pcg.console.pki.ConsoleCa;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A dev-console running inside the caller's JVM on free ports (gRPC on 127.0.0.1, admin API on 127.0.0.1), for
 * integration tests and benchmarks of both sides. Closing it stops the servers; the data directory stays, so
 * starting again on the same directory is a console restart.
 */
public final class EmbeddedConsole implements AutoCloseable {

    private final ApplicationContext context;
    private final EmbeddedServer http;

    private EmbeddedConsole(ApplicationContext context) {
        this.context = context;
        this.http = context.getBean(EmbeddedServer.class);
        http.start();
    }

    /** Starts on free ports with everything else at its defaults. */
    public static EmbeddedConsole start(Path dataDir) {
        return start(dataDir, Map.of(), null);
    }

    /**
     * @param properties extra settings, e.g. {@code pcg.console.offline-after}; they override the free-port defaults
     * @param clock      clock for PIN expiry, heartbeats and certificates; null for the system clock
     */
    public static EmbeddedConsole start(Path dataDir, Map<String, Object> properties, Clock clock) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("pcg.console.data-dir", dataDir.toString());
        settings.put("pcg.console.grpc-port", 0);
        settings.put("pcg.console.grpc-host", "127.0.0.1");
        settings.put("micronaut.server.port", -1);
        settings.putAll(properties);
        ApplicationContextBuilder builder = ApplicationContext.builder()
                .environments(DevConsoleApplication.ENVIRONMENT)
                .deduceEnvironment(false)
                .banner(false)
                .properties(settings);
        if (clock != null) {
            builder.singletons(clock);
        }
        return new EmbeddedConsole(builder.start());
    }

    /** Port of the agent-facing TLS gRPC server. */
    public int grpcPort() {
        return context.getBean(ConsoleGrpcServer.class).port();
    }

    /** Agent endpoint, e.g. {@code https://localhost:41234}; the server certificate is valid for localhost. */
    public String endpoint() {
        return "https://localhost:" + grpcPort();
    }

    /** The CA file agents trust ({@code pcg.agent.console-ca-file}). */
    public Path caFile() {
        return context.getBean(ConsoleCa.class).caFile();
    }

    /** Base URI of the admin API, e.g. {@code http://127.0.0.1:41235}. */
    public URI httpUri() {
        return http.getURI();
    }

    public GatewayService gateways() {
        return context.getBean(GatewayService.class);
    }

    public CommandService commands() {
        return context.getBean(CommandService.class);
    }

    public ApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        http.stop();
        context.close();
    }
}
