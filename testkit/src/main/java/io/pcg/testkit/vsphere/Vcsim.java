package io.pcg.testkit.vsphere;

import static org.awaitility.Awaitility.await;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A vcsim (govmomi's vCenter simulator) on a free 127.0.0.1 port, with a fixed user and password so that a wrong
 * password really fails. It runs as a {@link ServerProcess}, so it dies with the JVM that started it. Tests get one
 * from {@link VcsimExtension}; benchmarks start and close their own. {@link #stop()} and {@link #restart()} take it
 * down and bring it back on the same port, with the same certificate (vcsim's built-in one) and a freshly built
 * inventory, as a vCenter reboot looks to a client: its sessions are gone.
 * The binaries come from system property {@code pcg.vcsim.bin} (failsafe sets it from {@code VCSIM_BIN}) or from
 * environment variable {@code VCSIM_BIN}.
 */
public final class Vcsim implements AutoCloseable {

    public static final String USERNAME = "pcg-admin@vsphere.local";
    public static final String PASSWORD = "Vc-S3cret!pw#42";

    /** Bounds for a loaded 2-core CI machine building a large inventory, not performance assertions. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private static final Duration GOVC_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> command;
    private final Path log;
    private final Path bin;
    private final int port;
    private final String username;
    private final String password;
    private ServerProcess process;

    private Vcsim(List<String> command, Path log, Path bin, int port, String username, String password) {
        this.command = command;
        this.log = log;
        this.bin = bin;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** The folder with vcsim and govc, or a clear error saying how to get them. */
    public static Path binDir() {
        String dir = System.getProperty("pcg.vcsim.bin", System.getenv("VCSIM_BIN"));
        if (dir == null || dir.isBlank() || dir.contains("${") || !Files.isExecutable(Path.of(dir, "vcsim"))) {
            throw new IllegalStateException("vcsim not found: set system property pcg.vcsim.bin (or env VCSIM_BIN) "
                    + "to the folder printed by ../shared/tools/build-vcsim.sh, got '" + dir + "'");
        }
        return Path.of(dir);
    }

    /** Starts vcsim with extra model flags (e.g. {@code -cluster 2 -host 3}) and waits until it answers. */
    public static Vcsim start(String... modelFlags) {
        return start(binDir(), USERNAME, PASSWORD, modelFlags);
    }

    /**
     * The same with the vcsim and govc of another govmomi release in {@code bin} and its own user: the OVA's import
     * test needs one whose OvfManager turns the OVF's properties into the VM's vApp config, and that release refuses
     * a user name with a domain.
     */
    public static Vcsim start(Path bin, String username, String password, String... modelFlags) {
        int port = LocalPorts.free();
        Path log;
        try {
            log = Files.createTempFile("vcsim-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the vcsim log file", e);
        }
        List<String> command = new ArrayList<>(List.of(
                bin.resolve("vcsim").toString(),
                "-l",
                "127.0.0.1:" + port,
                "-username",
                username,
                "-password",
                password));
        command.addAll(List.of(modelFlags));
        Vcsim vcsim = new Vcsim(List.copyOf(command), log, bin, port, username, password);
        vcsim.launch();
        return vcsim;
    }

    /** Kills vcsim: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        process.close();
    }

    /** Starts the stopped vcsim again on the same port with the same flags; its sessions and changes are gone. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("vcsim on port " + port + " is still running: stop() it first");
        }
        launch();
    }

    private synchronized void launch() {
        // the log is appended to across restarts: only what this start printed counts
        long logBefore = log.toFile().length();
        ServerProcess started = ServerProcess.start("vcsim", command, log, Map.of());
        try {
            // vcsim prints its environment (GOVC_URL=...) once the inventory is built and the listener is up
            await("vcsim on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("vcsim exited", () -> !started.isAlive())
                    .until(() -> LocalPorts.accepts(port)
                            && Files.readString(log).substring((int) logBefore).contains("GOVC_URL"));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            String output = started.logTail(30);
            started.close();
            throw new IllegalStateException("vcsim did not start (" + e.getMessage() + "):\n" + output, e);
        }
        process = started;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as an operator types the vCenter address. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    /** Runs govc against this vcsim and returns its standard output; fails on a non-zero exit. */
    public String govc(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve("govc").toString());
        command.addAll(List.of(args));
        CommandRunner.Result result = new ProcessCommandRunner(GOVC_TIMEOUT)
                .withEnvironment(Map.of(
                        "GOVC_URL",
                        "https://" + server() + "/sdk",
                        "GOVC_USERNAME",
                        username,
                        "GOVC_PASSWORD",
                        password,
                        "GOVC_INSECURE",
                        "1"))
                .run(command);
        if (!result.succeeded()) {
            throw new IOException("govc " + String.join(" ", args) + " failed: " + result.stdout() + result.stderr());
        }
        return result.stdout().stripTrailing();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
