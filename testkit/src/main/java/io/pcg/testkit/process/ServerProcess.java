package io.pcg.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A long-running server for tests (etcd, kube-apiserver, vcsim, tinyproxy) that never outlives the test JVM.
 *
 * <p>The server runs under a small shell that also waits on its standard input, a pipe this JVM holds open; when the
 * pipe closes the shell stops the server. A pipe closes however the JVM ends, {@code kill -9} included, where no
 * shutdown hook runs, so no orphan is left behind. The shell exits with the server, so {@link #isAlive()} tells a
 * server that died at start-up from one that is still coming up.
 */
public final class ServerProcess implements AutoCloseable {

    /**
     * $1.. is the server's command line; the watcher stops it when stdin (this JVM's pipe) reaches end of file. The
     * pipe is passed as fd 3 because sh gives background jobs /dev/null as their standard input.
     */
    private static final String WATCHDOG = "exec 3<&0; \"$@\" </dev/null 3<&- & server=$!; "
            + "(cat <&3 >/dev/null; kill -TERM $server 2>/dev/null) </dev/null & "
            + "exec 3<&-; wait $server";

    private final String name;
    private final Process shell;
    private final Path log;

    private ServerProcess(String name, Process shell, Path log) {
        this.name = name;
        this.shell = shell;
        this.log = log;
    }

    /**
     * Starts {@code command} with its output (stdout and stderr) appended to {@code log}.
     *
     * @param environment added to this JVM's environment
     */
    public static ServerProcess start(String name, List<String> command, Path log, Map<String, String> environment) {
        List<String> shellCommand = new ArrayList<>(List.of("sh", "-c", WATCHDOG, name));
        shellCommand.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(shellCommand)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            return new ServerProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    public boolean isAlive() {
        return shell.isAlive();
    }

    public Path log() {
        return log;
    }

    /**
     * CPU time (user and system) the server and its watchdog shell have used so far, as the kernel counts it; for
     * benchmarks that tell what a client costs the server.
     */
    public Duration cpuTime() {
        return Stream.concat(Stream.of(shell.toHandle()), shell.descendants())
                .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The last lines of the server's output, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 15 s) and waits for it. */
    @Override
    public void close() {
        try {
            shell.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // the watcher has seen end of file either way
        }
        try {
            if (!shell.waitFor(15, TimeUnit.SECONDS)) {
                shell.descendants().forEach(ProcessHandle::destroyForcibly);
                shell.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (running)" : " (exited " + shell.exitValue() + ")");
    }
}
