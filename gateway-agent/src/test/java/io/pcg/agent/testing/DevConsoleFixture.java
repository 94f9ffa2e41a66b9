package io.pcg.agent.testing;

import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.CommandService;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The real dev-console in this JVM (its {@link EmbeddedConsole}) with the shortcuts the agent's tests need.
 * Closing it and starting another on the same port and folder is a console restart: CA and records survive.
 */
public final class DevConsoleFixture implements AutoCloseable {

    private final EmbeddedConsole console;

    private DevConsoleFixture(EmbeddedConsole console) {
        this.console = console;
    }

    /** @param grpcPort 0 for a random port */
    public static DevConsoleFixture start(Path dataDir, int grpcPort) {
        return new DevConsoleFixture(EmbeddedConsole.start(dataDir, Map.of("pcg.console.grpc-port", grpcPort), null));
    }

    public int grpcPort() {
        return console.grpcPort();
    }

    public String endpoint() {
        return console.endpoint();
    }

    /** The CA agents must trust (pcg.agent.console-ca-file). */
    public Path caFile() {
        return console.caFile();
    }

    public GatewayService.IssuedPin createGateway(String name) {
        return console.gateways().create(name, Optional.empty());
    }

    public GatewayService.IssuedPin createGateway(String name, Duration pinTtl) {
        return console.gateways().create(name, Optional.of(pinTtl));
    }

    public GatewayRecord gateway(String id) {
        return console.context().getBean(GatewayStore.class).get(id);
    }

    public CommandService commands() {
        return console.commands();
    }

    @Override
    public void close() {
        console.close();
    }
}
