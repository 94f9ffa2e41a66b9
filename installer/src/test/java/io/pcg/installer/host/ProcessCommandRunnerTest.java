package io.pcg.installer.host;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
