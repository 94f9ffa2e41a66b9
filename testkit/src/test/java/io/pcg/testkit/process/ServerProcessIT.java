package io.pcg.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessIT {

    @Test
    void closeStopsTheServer(@TempDir Path dir) {
        ServerProcess server = ServerProcess.start("sleeper", List.of("sleep", "300"), dir.resolve("log"), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> serverPid().isPresent());
        long pid = serverPid().orElseThrow();

        server.close();

        assertThat(server.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aServerThatExitsIsSeenAsNotAliveWithItsOutput(@TempDir Path dir) {
        ServerProcess server = ServerProcess.start(
                "failing", List.of("sh", "-c", "echo bad flag; exit 3"), dir.resolve("log"), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(server.logTail(5)).contains("bad flag");
        server.close();
    }

    @Test
    void cpuTimeCountsTheServersWork(@TempDir Path dir) {
        ServerProcess server =
                ServerProcess.start("busy", List.of("sh", "-c", "while :; do :; done"), dir.resolve("log"), Map.of());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> server.cpuTime().compareTo(Duration.ofMillis(200)) >= 0);
        } finally {
            server.close();
        }
    }

    /** The promise that matters most: a JVM killed with SIGKILL (no shutdown hooks) leaves no server behind. */
    @Test
    void aKilledJvmLeavesNoServerBehind(@TempDir Path dir) throws Exception {
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        OrphanProbe.class.getName(),
                        dir.resolve("log").toString())
                .redirectErrorStream(true)
                .start();
        long serverPid;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            serverPid = Long.parseLong(out.readLine().strip());
            assertThat(ProcessHandle.of(serverPid))
                    .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

            jvm.destroyForcibly();
            jvm.waitFor(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ProcessHandle.of(serverPid).map(p -> !p.isAlive()).orElse(true));
        assertThat(Files.exists(dir.resolve("log"))).isTrue();
    }

    /** The server under this JVM's watchdog shell. */
    private static Optional<Long> serverPid() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").endsWith("sleep 300"))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    /** Run in a child JVM: starts a server, prints its pid, then waits to be killed. */
    public static final class OrphanProbe {
        public static void main(String[] args) throws Exception {
            ServerProcess server = ServerProcess.start("sleeper", List.of("sleep", "301"), Path.of(args[0]), Map.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = ProcessHandle.current()
                        .descendants()
                        .filter(p -> p.info().commandLine().orElse("").endsWith("sleep 301"))
                        .map(ProcessHandle::pid)
                        .findFirst();
                if (pid.isPresent()) {
                    System.out.println(pid.get());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                Thread.sleep(20);
            }
            System.out.println("-1 " + server);
        }
    }
}
