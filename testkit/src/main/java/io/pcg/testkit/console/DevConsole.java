package io.pcg.testkit.console;

import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.CommandService;
import io.pcg.console.control.GatewaySessions;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
    private final Map<String, Object> properties;
    private boolean closed;

    private DevConsole(EmbeddedConsole console, Path dataDir, Map<String, Object> properties) {
        this.console = console;
        this.dataDir = dataDir;
        this.grpcPort = console.grpcPort();
        this.properties = properties;
    }

    /** @param grpcPort 0 for a free port */
    public static DevConsole start(Path dataDir, int grpcPort) {
        return start(dataDir, grpcPort, Map.of());
    }

    /**
     * @param grpcPort   0 for a free port
     * @param properties console settings, e.g. {@code pcg.console.client-cert-lifetime}
     */
    public static DevConsole start(Path dataDir, int grpcPort, Map<String, Object> properties) {
        Map<String, Object> settings = new HashMap<>(properties);
        settings.put("pcg.console.grpc-port", grpcPort);
        return new DevConsole(EmbeddedConsole.start(dataDir, settings, null), dataDir, Map.copyOf(properties));
    }

    /** The settings it was started with beyond the defaults, for a restart with the same. */
    Map<String, Object> properties() {
        return properties;
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
        return console.context()
                .getBean(io.pcg.console.control.GatewayEvents.class)
                .list(gatewayId);
    }

    /** Revokes the gateway as {@code POST /api/gateways/{id}/revoke} does. */
    public GatewayRecord revoke(String gatewayId) {
        return console.context().getBean(GatewaySessions.class).revoke(gatewayId);
    }

    /** Base URI of the admin HTTP API, e.g. {@code http://127.0.0.1:41235}. */
    public URI adminApi() {
        return console.httpUri();
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
