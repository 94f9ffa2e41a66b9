package io.pcg.agent.testing;

import io.micronaut.context.ApplicationContext;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.CommandService;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.grpc.ConsoleGrpcServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The real dev-console in this JVM (its beans load only in the "console" environment), on a given or random gRPC
 * port, with its CA and records in {@code dataDir}. Closing it and starting another on the same port and folder is a
 * console restart: the CA and the gateway records survive.
 */
public final class DevConsoleFixture implements AutoCloseable {

    private final ApplicationContext context;
    private final Path dataDir;

    private DevConsoleFixture(ApplicationContext context, Path dataDir) {
        this.context = context;
        this.dataDir = dataDir;
    }

    /** @param grpcPort 0 for a random port */
    public static DevConsoleFixture start(Path dataDir, int grpcPort) {
        ApplicationContext context = ApplicationContext.builder()
                .environments(DevConsoleApplication.ENVIRONMENT)
                .deduceEnvironment(false)
                .properties(Map.of(
                        "pcg.console.grpc-port", grpcPort,
                        "pcg.console.grpc-host", "127.0.0.1",
                        "pcg.console.data-dir", dataDir.toString(),
                        "micronaut.server.port", -1))
                .start();
        return new DevConsoleFixture(context, dataDir);
    }

    public int grpcPort() {
        return context.getBean(ConsoleGrpcServer.class).port();
    }

    public String endpoint() {
        return "https://localhost:" + grpcPort();
    }

    /** The CA agents must trust (pcg.agent.console-ca-file). */
    public Path caFile() {
        return dataDir.resolve("ca.pem");
    }

    public GatewayService.IssuedPin createGateway(String name) {
        return context.getBean(GatewayService.class).create(name, Optional.empty());
    }

    public GatewayService.IssuedPin createGateway(String name, Duration pinTtl) {
        return context.getBean(GatewayService.class).create(name, Optional.of(pinTtl));
    }

    public GatewayRecord gateway(String id) {
        return context.getBean(GatewayStore.class).get(id);
    }

    public CommandService commands() {
        return context.getBean(CommandService.class);
    }

    @Override
    public void close() {
        context.close();
    }
}
