package io.pcg.agent.vsphere;

import io.pcg.agent.secrets.Secret;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A vcsim (govmomi vCenter simulator) on a free 127.0.0.1 port, with a fixed user and password so a wrong password
 * really fails. Start one per test class: {@code try (var sim = VcsimServer.start("-cluster", "2")) ...}.
 * The binaries come from system property {@code pcg.vcsim.bin} (failsafe sets it from {@code VCSIM_BIN}).
 */
public final class VcsimServer implements AutoCloseable {

    public static final String USERNAME = "pcg-admin@vsphere.local";
    public static final String PASSWORD = "Vc-S3cret!pw#42";

    private final Process process;
    private final Path bin;
    private final int port;
    private final Path log;

    private VcsimServer(Process process, Path bin, int port, Path log) {
        this.process = process;
        this.bin = bin;
        this.port = port;
        this.log = log;
    }

    public static Path binDir() {
        String dir = System.getProperty("pcg.vcsim.bin", System.getenv("VCSIM_BIN"));
        if (dir == null || dir.isBlank() || dir.contains("${") || !Files.isExecutable(Path.of(dir, "vcsim"))) {
            throw new IllegalStateException("vcsim not found: set system property pcg.vcsim.bin (or env VCSIM_BIN) "
                    + "to the folder printed by ../shared/tools/build-vcsim.sh, got '" + dir + "'");
        }
        return Path.of(dir);
    }

    /** Starts vcsim with extra model flags (e.g. {@code -cluster 2 -host 3}) and waits until it answers. */
    public static VcsimServer start(String... modelFlags) throws IOException, InterruptedException {
        Path bin = binDir();
        int port = freePort();
        Path log = Files.createTempFile("vcsim-", ".log");
        List<String> command = new ArrayList<>(List.of(bin.resolve("vcsim").toString(), "-l", "127.0.0.1:" + port,
                "-username", USERNAME, "-password", PASSWORD));
        command.addAll(List.of(modelFlags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        VcsimServer server = new VcsimServer(process, bin, port, log);
        server.awaitListening(Duration.ofSeconds(120));
        return server;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("vcsim exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                // vcsim prints its environment once the model is built and the listener is up
                if (Files.readString(log).contains("GOVC_URL")) {
                    return;
                }
            } catch (IOException notYet) {
                // keep waiting
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException("vcsim did not start within " + timeout.toSeconds() + "s: " + Files.readString(log));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String server() {
        return "127.0.0.1:" + port;
    }

    public VsphereLogin login(String thumbprint) {
        return VsphereLogin.of(server(), USERNAME, Secret.of(PASSWORD), thumbprint);
    }

    /** The thumbprints of the certificate this vcsim presents, as an admin would confirm them. */
    public Thumbprints thumbprints() throws VsphereException {
        return CertificateProbe.fetch("127.0.0.1", port, Duration.ofSeconds(10)).thumbprints();
    }

    /** A session pinned to this vcsim's SHA-256 thumbprint, with the default settings. */
    public VsphereClient connectPinned() throws VsphereException {
        return VsphereConnector.connect(login(thumbprints().sha256()), VsphereConfig.defaults());
    }

    /** Runs govc against this vcsim and returns its standard output; fails on a non-zero exit. */
    public String govc(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve("govc").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("GOVC_URL", "https://127.0.0.1:" + port + "/sdk");
        env.put("GOVC_USERNAME", USERNAME);
        env.put("GOVC_PASSWORD", PASSWORD);
        env.put("GOVC_INSECURE", "1");
        Process govc = builder.start();
        String output;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(govc.getInputStream(), StandardCharsets.UTF_8))) {
            output = String.join("\n", reader.lines().toList());
        }
        if (!govc.waitFor(120, TimeUnit.SECONDS) || govc.exitValue() != 0) {
            throw new IOException("govc " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
