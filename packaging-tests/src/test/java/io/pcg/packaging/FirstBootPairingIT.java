package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.installer.apply.IssueBanner;
import io.pcg.installer.ovf.OvfProperty;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.net.LocalPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * First boot end to end: the installer applies an OVF environment that names the real dev-console and carries the PIN
 * it issued, then the agent, started as its own JVM the way pcg-agent.service starts it and configured by the
 * agent.yml the installer wrote, pairs and registers.
 */
class FirstBootPairingIT {

    /** A bound for a JVM starting on a loaded 2-core CI machine, not a performance assertion. */
    private static final Duration ONLINE_WITHIN = Duration.ofSeconds(90);

    private static final List<String> PROXY_VARIABLES = List.of(
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy");

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @TempDir
    Path dir;

    @Test
    void agentStartedFromTheInstalledConfigPairsAndRegistersWithTheConsole() throws Exception {
        DevConsole console = CONSOLE.console();
        try (LogCapture consoleLog = LogCapture.capture()) {
            GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
            Path ovfEnv = OvfEnvFiles.proxiedWith(
                    Map.of(
                            OvfProperty.INSTALLER_NAME.key(),
                            issued.gateway().name(),
                            OvfProperty.CONSOLE_ENDPOINT.key(),
                            console.endpoint(),
                            OvfProperty.PAIRING_CODE.key(),
                            issued.pin(),
                            OvfProperty.HTTP_PROXY.key(),
                            "",
                            OvfProperty.HTTPS_PROXY.key(),
                            "",
                            OvfProperty.NO_PROXY.key(),
                            ""),
                    dir.resolve("ovf-env.xml"));
            Path root = Files.createDirectories(dir.resolve("root"));

            ExternalTool.Result installer = PcgInstaller.run(
                    dir,
                    "apply",
                    "--ovf-env",
                    ovfEnv.toString(),
                    "--root",
                    root.toString(),
                    "--vm-network",
                    PcgInstaller.VM_NETWORK);
            assertThat(installer.exitCode()).as(installer.output()).isZero();
            assertThat(root.resolve("etc/pcg/agent.yml")).isRegularFile();

            Path agentLog = dir.resolve("agent.log");
            Path stateDir = dir.resolve("state");
            Process agent = startAgent(root, agentLog, console.caFile(), stateDir);
            try {
                GatewayRecord registered = awaitAgent(
                        agent,
                        agentLog,
                        "gateway never came Online",
                        () -> console.gateway(issued.gateway().id()),
                        gateway -> gateway.state() == GatewayState.ONLINE);
                assertThat(registered.hostname()).isNotBlank();
                assertThat(registered.pinUsed()).isTrue();
                assertThat(Files.readString(stateDir.resolve("identity/gateway-id"))
                                .strip())
                        .isEqualTo(issued.gateway().id());
                // The identity is stored before the agent registers, and the PIN leaves agent.yml right after.
                assertThat(Files.readString(root.resolve("etc/pcg/agent.yml")))
                        .doesNotContain(issued.pin())
                        .doesNotContain("pairing-code")
                        .contains("pcg-dc1");
                assertThat(PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(root.resolve("etc/pcg/agent.yml"))))
                        .isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(stateDir.resolve("identity/key.pem"))))
                        .isEqualTo("rw-------");

                Path banner = root.resolve(IssueBanner.AGENT_STATUS_PATH.substring(1));
                String expected = "paired and online as " + issued.gateway().id();
                awaitAgent(
                        agent,
                        agentLog,
                        "the console banner " + banner + " never said '" + expected + "'",
                        () -> Files.isRegularFile(banner) ? Files.readString(banner) : "(no file)",
                        text -> text.contains(expected));
            } finally {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }

            String agentOutput = Files.readString(agentLog, StandardCharsets.UTF_8);
            assertThat(agentOutput).contains("pcg-dc1");
            assertThat(installer.output()).doesNotContain(issued.pin());
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
        ProcessBuilder builder = new ProcessBuilder(
                        unit.command(Path.of(System.getProperty("java.home"), "bin", "java"), agentJar()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        PROXY_VARIABLES.forEach(environment::remove);
        environment.putAll(unit.environmentUnder(root));
        environment.put("PCG_AGENT_CONSOLE_CA_FILE", consoleCa.toString());
        environment.put("PCG_AGENT_STATE_DIR", stateDir.toString());
        environment.put("PCG_AGENT_STATUS_BANNER_FILE", root + IssueBanner.AGENT_STATUS_PATH);
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(LocalPorts.free()));
        environment.put("PCG_LOG_LEVEL", "DEBUG");
        assertThat(environment.get("MICRONAUT_CONFIG_FILES"))
                .isEqualTo(root.resolve("etc/pcg/agent.yml").toString());
        return builder.start();
    }

    /** The shaded jar the image installs, built by gateway-agent's package phase (failsafe passes its path). */
    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("pcg.agent.jar", "pcg.agent.jar not set"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build it with the reactor," + " mvn -pl packaging-tests -am verify");
        }
        return jar;
    }

    /**
     * Waits until what {@code state} reads satisfies {@code condition}, and returns it; fails at once, with the agent's
     * log, when the agent exits, and after {@link #ONLINE_WITHIN} with the last state read.
     */
    private static <T> T awaitAgent(
            Process agent, Path agentLog, String failure, Callable<T> state, Predicate<? super T> condition)
            throws Exception {
        ConditionFactory waiting = await(failure)
                .atMost(ONLINE_WITHIN)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .failFast("the agent exited", () -> !agent.isAlive());
        try {
            return waiting.until(state, condition);
        } catch (TerminalFailureException e) {
            throw new AssertionError("agent exited with " + agent.exitValue() + ":\n" + Files.readString(agentLog), e);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    failure + "; last: " + state.call() + ", agent log:\n" + Files.readString(agentLog), e);
        }
    }
}
