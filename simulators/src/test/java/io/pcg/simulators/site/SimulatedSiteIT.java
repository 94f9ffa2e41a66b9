package io.pcg.simulators.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import io.pcg.simulators.Clusterctl;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.tools.SimulatedTools;
import io.pcg.simulators.vsphere.VcenterAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's {@code kind}/{@code clusterctl} forwarders replay what the simulated tool did byte for byte, so the
 * agent's production bootstrap reads them as it would read the real tools: the arguments as given, stdout, stderr
 * and the exit code.
 */
class SimulatedSiteIT {

    private static final CommandRunner SHELL = new ProcessCommandRunner(Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private SimulatedTools tools;
    private SimulatedSite site;

    @BeforeEach
    void start() throws Exception {
        // No vCenter is asked for anything here: kind and clusterctl commands only.
        tools = new SimulatedTools(
                new VcenterAccess(Path.of("/nonexistent/govc"), "127.0.0.1:1", "nobody", "unused", null),
                Delays.none(),
                Faults.none(),
                Clusterctl.binDir().resolve("clusterctl"));
        site = SimulatedSite.start(tools, dir);
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void argumentsArriveAsGivenAndStderrAndTheExitCodeComeBack() throws Exception {
        String stderr = "ERROR: first line\n\ttabbed \\n not a newline, 100% \"quoted\" 'single' $HOME `tick` é ✓\n\n";
        tools.failOnce("kind get clusters", stderr);
        List<String> arguments = List.of("get", "clusters", "--name", "two words", "", "-x", "--", "é", "a\nb", "\\c");

        CommandRunner.Result result = run(site.kind(), arguments);

        List<String> expected = new ArrayList<>(List.of("kind"));
        expected.addAll(arguments);
        assertThat(tools.commands()).containsExactly(expected);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEqualTo(stderr);
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void stdoutComesBackUnchangedTrailingNewlinesIncluded() throws Exception {
        CommandRunner.Result direct = tools.run(List.of("clusterctl", "version", "-o", "short"));
        assertThat(direct.stdout()).endsWith("\n");

        CommandRunner.Result forwarded = run(site.clusterctl(), List.of("version", "-o", "short"));

        assertThat(forwarded.exitCode()).isZero();
        assertThat(forwarded.stdout()).isEqualTo(direct.stdout());
        assertThat(forwarded.stderr()).isEqualTo(direct.stderr());
    }

    @Test
    void aSiteThatIsGoneIsAFailureThatSaysSo() throws Exception {
        site.close();

        CommandRunner.Result result = run(site.kind(), List.of("get", "clusters"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("kind (simulated): the simulated site at " + site.url() + " did not answer");
    }

    @Test
    void aToolThatCannotRunIsAFailureWithItsReason() throws Exception {
        Path missing = dir.resolve("no-such.kubeconfig");

        CommandRunner.Result result = run(site.clusterctl(), List.of("init", "--kubeconfig", missing.toString()));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains(missing.toString()).doesNotContain("did not answer");
    }

    @Test
    void escapingKeepsEveryByteAndCutsOnlyVeryLongStderr() {
        assertThat(SimulatedSite.escapeForPrintf("a b\\\n")).isEqualTo("a\\x20b\\x5c\\x0a");
        assertThat(SimulatedSite.escapeForPrintf("x".repeat(20_000)))
                .startsWith("[simulated\\x20site:\\x203616\\x20earlier\\x20bytes\\x20left\\x20out]\\x0a")
                .endsWith("x".repeat(16 * 1024));
        assertThat(SimulatedSite.nulTerminated("kind\0\0a b\0".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .containsExactly("kind", "", "a b");
    }

    private static CommandRunner.Result run(Path forwarder, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(forwarder.toString()));
        command.addAll(arguments);
        return SHELL.run(command);
    }
}
