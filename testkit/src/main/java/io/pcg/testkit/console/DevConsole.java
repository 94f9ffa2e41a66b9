package io.pcg.testkit.console;

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
 * The real dev-console in this JVM (its {@link EmbeddedConsole}) with the shortcuts agent tests need. Closing it and
 * starting another on the same port and folder is a console restart: CA and records survive. Tests get one from
 * {@link DevConsoleExtension}.
 */
public final class DevConsole implements AutoCloseable {

    private final EmbeddedConsole console;
    private final Path dataDir;
    private final int grpcPort;
    private boolean closed;

    private DevConsole(EmbeddedConsole console, Path dataDir) {
        this.console = console;
        this.dataDir = dataDir;
        this.grpcPort = console.grpcPort();
    }

    /** @param grpcPort 0 for a free port */
    public static DevConsole start(Path dataDir, int grpcPort) {
        return new DevConsole(EmbeddedConsole.start(dataDir, Map.of("pcg.console.grpc-port", grpcPort), null), dataDir);
    }

    /** The port agents connect to; still known after {@link #close()}, for a restart on the same port. */
    public int grpcPort() {
        return grpcPort;
    }

    public String endpoint() {
        return console.endpoint();
    }

    /** The CA agents must trust (pcg.agent.console-ca-file). */
    public Path caFile() {
        return console.caFile();
    }

    /** Where the console keeps its CA, keys and records. */
    public Path dataDir() {
        return dataDir;
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

    /** The gateway's events, oldest first: the agent's and the console's own. */
    public java.util.List<io.pcg.console.control.GatewayEvent> events(String gatewayId) {
        return console.context().getBean(io.pcg.console.control.GatewayEvents.class).list(gatewayId);
    }

    public CommandService commands() {
        return console.commands();
    }

    /** Stops the console; a second close does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            console.close();
        }
    }
}
