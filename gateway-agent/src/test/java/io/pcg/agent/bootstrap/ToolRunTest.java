package io.pcg.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.errors.OperatorException;
import io.pcg.common.process.CommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolRunTest {

    @Test
    void aFailureShowsTheEndOfTheToolsOutputWithoutUrlCredentials() {
        String output = String.join(
                        "\n",
                        java.util.stream.IntStream.range(0, 20)
                                .mapToObj(i -> "line " + i)
                                .toList())
                + "\nError: proxyconnect tcp: dial http://pcg:S3cret-proxy@proxy.corp:3128 refused";
        CommandRunner runner = new ScriptedCommandRunner(command -> new CommandRunner.Result(1, "", output));

        assertThatThrownBy(() -> ToolRun.run(
                        runner,
                        List.of("clusterctl", "init"),
                        "BOOTSTRAP_CLUSTERCTL_INIT_FAILED",
                        "installing Cluster API",
                        "check the proxy"))
                .isInstanceOfSatisfying(OperatorException.class, e -> {
                    assertThat(e.code()).isEqualTo("BOOTSTRAP_CLUSTERCTL_INIT_FAILED");
                    assertThat(e.getMessage())
                            .startsWith("installing Cluster API failed (exit 1): line 9\n")
                            .doesNotContain("line 8\n")
                            .doesNotContain("S3cret-proxy")
                            .endsWith("dial http://<redacted>@proxy.corp:3128 refused");
                    assertThat(e.hint()).isEqualTo("check the proxy");
                });
    }

    @Test
    void aToolThatCannotStartIsNamed() {
        CommandRunner missing = command -> {
            throw new java.io.IOException("No such file or directory");
        };
        assertThatThrownBy(() -> ToolRun.run(
                        missing,
                        List.of("/usr/local/bin/kind", "get", "clusters"),
                        "BOOTSTRAP_KIND_FAILED",
                        "listing kind clusters",
                        "install kind"))
                .hasMessage("listing kind clusters: cannot run /usr/local/bin/kind (No such file or directory)");
    }
}
