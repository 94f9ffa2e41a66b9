package io.pcg.agent.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real tinyproxy on 127.0.0.1 and a free port, with basic auth, for tests and benchmarks. CONNECT is allowed only
 * to the given ports, so a test can make it refuse a tunnel by leaving the target's port out.
 */
public final class TinyproxyServer implements AutoCloseable {

    public static final String BINARY = Files.isExecutable(Path.of("/usr/bin/tinyproxy")) ? "/usr/bin/tinyproxy" : "/usr/sbin/tinyproxy";

    private final Process process;
    private final int port;
    private final String user;
    private final Path log;

    private TinyproxyServer(Process process, int port, String user, Path log) {
        this.process = process;
        this.port = port;
        this.user = user;
        this.log = log;
    }

    /**
     * @param connectPorts the only ports CONNECT may reach (tinyproxy allows all when none are listed, so pass at least one)
     */
    public static TinyproxyServer start(Path directory, String user, String password, int... connectPorts) throws IOException {
        if (connectPorts.length == 0) {
            throw new IllegalArgumentException("name at least one port CONNECT may reach");
        }
        int port = freePort();
        Path config = directory.resolve("tinyproxy-" + port + ".conf");
        Path log = directory.resolve("tinyproxy-" + port + ".log");
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
        Process process = new ProcessBuilder(BINARY, "-d", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TinyproxyServer server = new TinyproxyServer(process, port, user, log);
        server.awaitListening();
        return server;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tinyproxy exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for tinyproxy", e);
                }
            }
        }
        close();
        throw new IOException("tinyproxy did not listen on port " + port + " within 10 s: " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    /** The proxy URL as an operator writes it in HTTPS_PROXY, with the given password (right or wrong). */
    public String url(String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
