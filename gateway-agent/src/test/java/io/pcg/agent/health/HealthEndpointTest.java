package io.pcg.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application as wired in the "agent" environment: health endpoint on loopback, config problem reported there. */
class HealthEndpointTest {

    @TempDir
    Path stateDir;

    @Test
    void reportsAnInvalidEndpointWithItsHintOnLoopbackOnly() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class,
                Map.of(
                        "micronaut.server.port",
                        -1,
                        "pcg.agent.console-endpoint",
                        "https://console.example.com/",
                        "pcg.agent.pairing-code",
                        "ABCD1234",
                        "pcg.agent.state-dir",
                        stateDir.toString()),
                GatewayAgentApplication.ENVIRONMENT)) {
            assertThat(server.getHost()).isEqualTo("127.0.0.1");
            URI health = URI.create("http://127.0.0.1:" + server.getPort() + "/health/agent");
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> response = await("the health endpoint reports ENDPOINT_INVALID")
                    .atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> http.send(
                                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()),
                            answer -> answer.body().contains("ENDPOINT_INVALID"));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body())
                    .contains("\"phase\":\"NEEDS_OPERATOR\"")
                    .contains("trailing slash")
                    .contains("\"hint\":")
                    .doesNotContain("ABCD1234");
        }
    }
}
