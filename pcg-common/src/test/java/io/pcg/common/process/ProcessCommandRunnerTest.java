package io.pcg.common.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofMinutes(1));

    @Test
    void returnsExitCodeAndBothStreams() throws Exception {
        CommandRunner.Result result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));

        assertThat(result).isEqualTo(new CommandRunner.Result(3, "out\n", "err\n"));
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void aMissingProgramIsAnIoException() {
        assertThatThrownBy(() -> runner.run(List.of("/nonexistent/vmtoolsd"))).isInstanceOf(IOException.class);
    }

    @Test
    void runsInTheGivenFolderWithTheAddedVariables(@TempDir Path dir) throws Exception {
        CommandRunner.Result result = runner.in(dir)
                .withEnvironment(Map.of("PCG_TEST_VALUE", "42"))
                .run(List.of("sh", "-c", "pwd; echo $PCG_TEST_VALUE"));

        assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\n42\n");
    }

    @Test
    void aCommandPastTheTimeoutIsKilledAndFails() throws Exception {
        CommandRunner.Result result = new ProcessCommandRunner(Duration.ofMillis(200)).run(List.of("sleep", "30"));

        assertThat(result.exitCode()).isEqualTo(ProcessCommandRunner.TIMED_OUT);
        assertThat(result.stderr()).contains("sleep 30 did not finish");
    }
}
