package io.pcg.testkit.proxy;

import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.process.ServerProcess;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real tinyproxy on 127.0.0.1 and a free port, with basic auth. CONNECT is allowed only to the given ports, so a
 * test can make it refuse a tunnel by leaving the target's port out. It runs as a {@link ServerProcess}, so it dies
 * with the JVM that started it. Tests get them from {@link TinyproxyExtension}.
 */
public final class Tinyproxy implements AutoCloseable {

    public static final String BINARY = Files.isExecutable(Path.of("/usr/bin/tinyproxy")) ? "/usr/bin/tinyproxy" : "/usr/sbin/tinyproxy";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final ServerProcess process;
    private final int port;
    private final String user;

    private Tinyproxy(ServerProcess process, int port, String user) {
        this.process = process;
        this.port = port;
        this.user = user;
    }

    /**
     * @param directory    where its configuration and log go
     * @param connectPorts the only ports CONNECT may reach (tinyproxy allows all when none are listed, so pass at least one)
     */
    public static Tinyproxy start(Path directory, String user, String password, int... connectPorts) {
        if (connectPorts.length == 0) {
            throw new IllegalArgumentException("name at least one port CONNECT may reach");
        }
        int port = LocalPorts.free();
        Path config = directory.resolve("tinyproxy-" + port + ".conf");
        try {
            Files.writeString(config, String.join("\n",
                    "Port " + port,
                    "Listen 127.0.0.1",
                    "Timeout 60",
                    "MaxClients 100",
                    "Allow 127.0.0.1",
                    "BasicAuth " + user + " " + password,
                    Arrays.stream(connectPorts).mapToObj(p -> "ConnectPort " + p).collect(Collectors.joining("\n")),
                    "LogLevel Info",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        // -d keeps it in the foreground: the process is the proxy, so stopping the process stops the proxy
        ServerProcess process = ServerProcess.start("tinyproxy", List.of(BINARY, "-d", "-c", config.toString()),
                directory.resolve("tinyproxy-" + port + ".log"), Map.of());
        try {
            await("tinyproxy on port " + port).atMost(START_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .failFast("tinyproxy exited", () -> !process.isAlive())
                    .until(() -> LocalPorts.accepts(port));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            String output = process.logTail(30);
            process.close();
            throw new IllegalStateException("tinyproxy did not start (" + e.getMessage() + "):\n" + output, e);
        }
        return new Tinyproxy(process, port, user);
    }


    public int port() {
        return port;
    }

    /** The proxy URL as an operator writes it in HTTPS_PROXY, with the given password (right or wrong). */
    public String url(String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    /** What the proxy logged so far, e.g. which tunnels it opened. */
    public String log() throws IOException {
        return Files.readString(process.log());
    }

    @Override
    public void close() {
        process.close();
    }
}
