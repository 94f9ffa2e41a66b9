package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.agent.command.PingCommandHandler;
import io.pcg.console.gateway.GatewayService;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.logging.LogCapture;
import io.pcg.testkit.proxy.Tinyproxy;
import io.pcg.testkit.proxy.TinyproxyExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pairing and the control stream through a real tinyproxy with basic auth, with every log line checked for secrets. */
class AgentThroughProxyIT {

    private static final String PROXY_USER = "pcg-proxy";
    private static final String PROXY_PASSWORD = "S3cret-Proxy-Pw";

    @RegisterExtension
    static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();

    @RegisterExtension
    final TinyproxyExtension proxies = new TinyproxyExtension();

    @TempDir
    Path tmp;

    @Test
    void pairsAndHoldsTheControlStreamThroughTheProxyWithoutLoggingAnySecret() throws Exception {
        List<String> secrets = new ArrayList<>();
        String logs;
        // The console runs before the capture starts: its Micronaut logging system reconfigures Logback while it
        // starts.
        DevConsole console = CONSOLE.console();
        try (LogCapture capture = LogCapture.capture()) {
            Tinyproxy proxy = proxies.start(PROXY_USER, PROXY_PASSWORD, console.grpcPort());
            GatewayService.IssuedPin issued = console.createGateway("pcg-proxied");
            try (AgentRun agent = AgentRun.start(
                    AgentRun.config(
                            "pcg-proxied", console.endpoint(), issued.pin(), tmp.resolve("agent"), console.caFile()),
                    Map.of("HTTPS_PROXY", proxy.url(PROXY_PASSWORD), "NO_PROXY", "vcenter.example.com,10.0.0.0/8"))) {
                assertThat(agent.awaitConnected().gatewayId())
                        .isEqualTo(issued.gateway().id());

                String commandId = console.commands()
                        .submit(issued.gateway().id(), PingCommandHandler.TYPE, "{\"via\":\"proxy\"}")
                        .id();
                var result = console.commands().result(commandId).get(30, TimeUnit.SECONDS);
                assertThat(result.getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
                assertThat(result.getPayloadJson()).isEqualTo("{\"via\":\"proxy\"}");
            }
            assertThat(proxy.log())
                    .as("both pairing and the control stream went through the proxy")
                    .containsPattern("(?s)CONNECT localhost:" + console.grpcPort() + ".*CONNECT localhost:"
                            + console.grpcPort());

            secrets.add(issued.pin());
            secrets.add(HexFormat.of().formatHex(issued.pin().getBytes(StandardCharsets.US_ASCII)));
            secrets.add(PROXY_PASSWORD);
            secrets.add(Base64.getEncoder()
                    .encodeToString((PROXY_USER + ":" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            secrets.addAll(privateKeyLines(tmp.resolve("agent/identity/key.pem")));
            logs = capture.all();
        }

        assertThat(logs)
                .as("the capture saw the run at DEBUG, gRPC and Netty included")
                .contains("paired: gateway 'pcg-proxied'")
                .contains("io.grpc");
        for (String secret : secrets) {
            assertThat(logs).as("logs must not contain a secret").doesNotContainIgnoringCase(secret);
        }
    }

    private static List<String> privateKeyLines(Path keyFile) throws Exception {
        return Files.readAllLines(keyFile).stream()
                .filter(line -> !line.startsWith("-----") && !line.isBlank())
                .toList();
    }
}
