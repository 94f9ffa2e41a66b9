package io.pcg.common.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as child processes with no input, capturing their output; a command that hangs past the timeout is
 * killed and reported as failed with exit code 124, as {@code timeout(1)} does.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** The exit code of a command killed at the timeout. */
    public static final int TIMED_OUT = 124;

    private final Duration timeout;
    private final Optional<Path> directory;
    private final Map<String, String> environment;

    public ProcessCommandRunner(Duration timeout) {
        this(timeout, Optional.empty(), Map.of());
    }

    private ProcessCommandRunner(Duration timeout, Optional<Path> directory, Map<String, String> environment) {
        this.timeout = timeout;
        this.directory = directory;
        this.environment = Map.copyOf(environment);
    }

    /** The same runner, starting commands in {@code workingDirectory}. */
    public ProcessCommandRunner in(Path workingDirectory) {
        return new ProcessCommandRunner(timeout, Optional.of(workingDirectory), environment);
    }

    /** The same runner, adding {@code variables} to the environment the commands inherit from this process. */
    public ProcessCommandRunner withEnvironment(Map<String, String> variables) {
        return new ProcessCommandRunner(timeout, directory, variables);
    }

    @Override
    public Result run(List<String> command) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        directory.ifPresent(dir -> builder.directory(dir.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(
                        TIMED_OUT,
                        "",
                        String.join(" ", command) + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Reads a stream to its end on a thread of its own: a shared pool's threads may all be busy, and a child whose
     * output pipe is full waits for ever.
     */
    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (stream) {
                        text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        text.completeExceptionally(e);
                    }
                },
                "process-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
