package io.pcg.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeApiServerTest {

    @Test
    void aServerThatLostItsPortIsStartedAgainAnyOtherExitIsAFailure() {
        assertThat(KubeApiServer.exitedDuringStartUp(
                        "etcd",
                        "{\"level\":\"fatal\",\"msg\":\"listen tcp 127.0.0.1:40123: bind: address already in use\"}"))
                .isInstanceOf(KubeApiServer.PortTakenException.class)
                .hasMessageStartingWith("etcd exited during start-up:");
        assertThat(KubeApiServer.exitedDuringStartUp("kube-apiserver", "Error: unknown flag: --nope"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown flag");
    }
}
