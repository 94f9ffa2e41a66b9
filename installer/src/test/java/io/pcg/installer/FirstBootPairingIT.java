package io.pcg.installer;

import io.pcg.installer.apply.IssueBanner;
import io.pcg.agent.testing.DevConsoleFixture;
import io.pcg.agent.testing.LogCapture;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.installer.ovf.OvfProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * First boot end to end: the installer applies an OVF environment that names the real dev-console and carries the PIN
 * it issued, then the agent, started as its own JVM the way pcg-agent.service starts it and configured by the
 * agent.yml the installer wrote, pairs and registers.
 */
class FirstBootPairingIT {

    /** A bound for a JVM starting on a loaded 2-core CI machine, not a performance assertion. */
    private static final Duration ONLINE_WITHIN = Duration.ofSeconds(90);
    private static final List<String> PROXY_VARIABLES = List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
            "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy");

    @TempDir
    Path dir;

    @Test
    void agentStartedFromTheInstalledConfigPairsAndRegistersWithTheConsole() throws Exception {
        try (LogCapture consoleLog = LogCapture.capture();
             DevConsoleFixture console = DevConsoleFixture.start(dir.resolve("console"), 0)) {
            GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
            Path ovfEnv = Files.writeString(dir.resolve("ovf-env.xml"), OvfEnvFixture.valid()
                    .with(OvfProperty.INSTALLER_NAME, issued.gateway().name())
                    .with(OvfProperty.CONSOLE_ENDPOINT, console.endpoint())
                    .with(OvfProperty.PAIRING_CODE, issued.pin())
                    .xml());
            Path root = Files.createDirectories(dir.resolve("root"));

            InstallerRun installer = InstallerRun.run(InstallerRun.fakeHost(), "apply", "--ovf-env", ovfEnv.toString(),
                    "--root", root.toString(), "--vm-network", OvfEnvFixture.VM_NETWORK);

            assertThat(installer.exitCode()).as(installer.stdout() + installer.stderr()).isZero();
            assertThat(root.resolve("etc/pcg/agent.yml")).isRegularFile();

            Path agentLog = dir.resolve("agent.log");
            Path stateDir = dir.resolve("state");
            Process agent = startAgent(root, agentLog, console.caFile(), stateDir);
            try {
                GatewayRecord registered = awaitOnline(console, issued.gateway().id(), agent, agentLog);

                assertThat(registered.hostname()).isNotBlank();
                assertThat(registered.pinUsed()).isTrue();
                assertThat(Files.readString(stateDir.resolve("identity/gateway-id")).strip()).isEqualTo(issued.gateway().id());
                assertThat(InstallerRun.mode(stateDir.resolve("identity/key.pem"))).isEqualTo("rw-------");
                Path banner = root.resolve(IssueBanner.AGENT_STATUS_PATH.substring(1));
                awaitBanner(banner, "paired and online as " + issued.gateway().id(), agent, agentLog);
            } finally {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }

            String agentOutput = Files.readString(agentLog, StandardCharsets.UTF_8);
            assertThat(agentOutput).contains("pcg-dc1");
            assertThat(installer.stdout() + installer.stderr()).doesNotContain(issued.pin());
            assertThat(agentOutput).doesNotContain(issued.pin());
            assertThat(consoleLog.all()).doesNotContain(issued.pin());
        }
    }

    /**
     * The unit's command line and environment; from outside only what a test host needs: the dev-console's CA (the
     * real console has a publicly trusted certificate), a state folder instead of /var/lib/pcg, a free health port
     * and the agent's own logger at DEBUG so that the secret check covers it.
     */
    private static Process startAgent(Path root, Path log, Path consoleCa, Path stateDir) throws IOException {
        AgentUnit unit = AgentUnit.read();
        ProcessBuilder builder = new ProcessBuilder(unit.command(Path.of(System.getProperty("java.home"), "bin", "java"), agentJar()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        PROXY_VARIABLES.forEach(environment::remove);
        environment.putAll(unit.environmentUnder(root));
        environment.put("PCG_AGENT_CONSOLE_CA_FILE", consoleCa.toString());
        environment.put("PCG_AGENT_STATE_DIR", stateDir.toString());
        environment.put("PCG_AGENT_STATUS_BANNER_FILE", root + IssueBanner.AGENT_STATUS_PATH);
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(freePort()));
        environment.put("PCG_LOG_LEVEL", "DEBUG");
        assertThat(environment.get("MICRONAUT_CONFIG_FILES")).isEqualTo(root.resolve("etc/pcg/agent.yml").toString());
        return builder.start();
    }

    /** The shaded jar the image installs, built by gateway-agent's package phase (failsafe passes its path). */
    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("pcg.agent.jar", "pcg.agent.jar not set"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with the reactor,"
                    + " mvn -pl installer -am verify");
        }
        return jar;
    }

    /** The agent refreshes its banner every few seconds; the VM console must end up showing the paired state. */
    private static void awaitBanner(Path banner, String expected, Process agent, Path agentLog) throws Exception {
        long deadline = System.nanoTime() + ONLINE_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(banner) && Files.readString(banner).contains(expected)) {
                return;
            }
            if (!agent.isAlive()) {
                throw new AssertionError("agent exited with " + agent.exitValue() + ":\n" + Files.readString(agentLog));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the console banner " + banner + " never said '" + expected + "'; it says: "
                + (Files.isRegularFile(banner) ? Files.readString(banner) : "(no file)"));
    }

    private static GatewayRecord awaitOnline(DevConsoleFixture console, String gatewayId, Process agent, Path agentLog)
            throws Exception {
        long deadline = System.nanoTime() + ONLINE_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            GatewayRecord gateway = console.gateway(gatewayId);
            if (gateway.state() == GatewayState.ONLINE) {
                return gateway;
            }
            if (!agent.isAlive()) {
                throw new AssertionError("agent exited with " + agent.exitValue() + ":\n" + Files.readString(agentLog));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gateway never came Online; state " + console.gateway(gatewayId).state()
                + ", agent log:\n" + Files.readString(agentLog));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
