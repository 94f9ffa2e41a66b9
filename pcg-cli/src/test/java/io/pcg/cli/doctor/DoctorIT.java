package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.cli.Pcg;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pcg doctor} against real sockets: a console port nothing listens on, and a time server whose clock is an
 * hour off (a skewed appliance, simulated with a fake SNTP server).
 */
class DoctorIT {

    @TempDir
    Path tmp;

    @Test
    void anUnreachableConsoleIsItsOwnFailWithTheFirewallFix() throws IOException {
        int closedPort = closedPort();
        try (FakeSntpServer ntp = FakeSntpServer.start(Duration.ZERO)) {
            Run run = doctor("https://127.0.0.1:" + closedPort, "--ntp-server", ntp.address());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.line("console TLS"))
                    .startsWith("FAIL")
                    .contains("console unreachable: cannot connect to 127.0.0.1:" + closedPort);
            assertThat(run.fixAfter("console TLS"))
                    .contains("open outbound TCP " + closedPort + " to 127.0.0.1 on the firewall");
            assertThat(run.line("clock")).startsWith("PASS");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aClockAnHourOffItsNtpServerIsItsOwnFailWithTheChronyFix() throws Exception {
        try (FakeSntpServer skewed = FakeSntpServer.start(Duration.ofHours(1))) {
            Run run = doctor("https://127.0.0.1:" + closedPort(), "--ntp-server", skewed.address());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.line("clock"))
                    .startsWith("FAIL")
                    .contains("behind NTP time")
                    // an hour, give or take the round trip and rounding: 3599xxx or 3600xxx ms
                    .containsPattern("clock is (3599|3600)\\d{3} ms behind");
            assertThat(run.fixAfter("clock")).contains("chronyc tracking").contains("chronyc makestep");
        }
    }

    @Test
    void anNtpServerThatDoesNotAnswerIsAFailNamingIt() throws Exception {
        Run run = doctor("https://127.0.0.1:" + closedPort(), "--ntp-server", "127.0.0.1:" + closedPort());

        assertThat(run.line("clock")).startsWith("FAIL").contains("no NTP server answered: 127.0.0.1:");
        assertThat(run.fixAfter("clock")).contains("allow UDP 123");
    }

    private Run doctor(String consoleEndpoint, String... options) throws IOException {
        Path config = tmp.resolve("agent.yml");
        Files.writeString(
                config, "pcg:\n  agent:\n    console-endpoint: " + consoleEndpoint + "\n    state-dir: " + tmp + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--config",
                config.toString(),
                "--agent-url",
                "http://127.0.0.1:" + closedPort(),
                "doctor",
                "--egress",
                "127.0.0.1:" + closedPort(),
                "--timeout",
                "2s",
                "--chrony-config",
                tmp.resolve("chrony.conf").toString(),
                "--proc-dir",
                tmp.toString(),
                "--disk-path",
                tmp.toString()));
        args.addAll(List.of(options));
        int exitCode = Pcg.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Run(int exitCode, String out, String err) {

        /** The report line of {@code check}, without the outcome's padding. */
        String line(String check) {
            return out.lines()
                    .filter(line -> line.length() > 6 && line.substring(6).startsWith(check + " "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + check + "' line in:\n" + out + err));
        }

        String fixAfter(String check) {
            List<String> lines = out.lines().toList();
            int index = lines.indexOf(line(check));
            return index + 1 < lines.size() ? lines.get(index + 1) : "";
        }
    }
}
