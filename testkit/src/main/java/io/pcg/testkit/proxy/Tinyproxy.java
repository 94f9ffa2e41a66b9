package io.pcg.testkit.proxy;

import static org.awaitility.Awaitility.await;

import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real tinyproxy on 127.0.0.1 and a free port, with basic auth. CONNECT is allowed only to the given ports, so a
 * test can make it refuse a tunnel by leaving the target's port out. It runs as a {@link ServerProcess}, so it dies
 * with the JVM that started it; {@link #stop()} and {@link #restart()} make it die and come back on the same port
 * with the same configuration, as a proxy host rebooting. Tests get them from {@link TinyproxyExtension}.
 */
public final class Tinyproxy implements AutoCloseable {

    public static final String BINARY =
            Files.isExecutable(Path.of("/usr/bin/tinyproxy")) ? "/usr/bin/tinyproxy" : "/usr/sbin/tinyproxy";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path config;
    private final Path log;
    private final int port;
    private final String user;
    private ServerProcess process;

    private Tinyproxy(Path config, Path log, int port, String user) {
        this.config = config;
        this.log = log;
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
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "Port " + port,
                            "Listen 127.0.0.1",
                            "Timeout 60",
                            "MaxClients 100",
                            "Allow 127.0.0.1",
                            "BasicAuth " + user + " " + password,
                            Arrays.stream(connectPorts)
                                    .mapToObj(p -> "ConnectPort " + p)
                                    .collect(Collectors.joining("\n")),
                            "LogLevel Info",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        Tinyproxy proxy = new Tinyproxy(config, directory.resolve("tinyproxy-" + port + ".log"), port, user);
        proxy.launch();
        return proxy;
    }

    /** Kills the proxy: open tunnels break and new connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        process.close();
    }

    /** Starts the stopped proxy again on the same port with the same configuration; its log continues. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("tinyproxy on port " + port + " is still running: stop() it first");
        }
        launch();
    }

    private synchronized void launch() {
        // -d keeps it in the foreground: the process is the proxy, so stopping the process stops the proxy
        ServerProcess started =
                ServerProcess.start("tinyproxy", List.of(BINARY, "-d", "-c", config.toString()), log, Map.of());
        try {
            await("tinyproxy on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .failFast("tinyproxy exited", () -> !started.isAlive())
                    .until(() -> LocalPorts.accepts(port));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            String output = started.logTail(30);
            started.close();
            throw new IllegalStateException("tinyproxy did not start (" + e.getMessage() + "):\n" + output, e);
        }
        process = started;
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
        return Files.readString(log);
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }
}
