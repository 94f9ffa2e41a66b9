package io.pcg.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.ipam.PoolSpec;
import io.pcg.console.EmbeddedConsole;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.testkit.capi.IpAddressClaims;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent paired with the real dev-console and serving IPAM on a real API server is scraped at {@code GET /metrics}
 * on its management port: link, commands, IPAM, reconcile loops and certificate expiry each have their series, and
 * no label or value carries the PIN.
 */
@ExtendWith(KubeApiServerExtension.class)
class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NAME = "pcg-metrics";
    private static final PoolSpec NODES = new PoolSpec(
            "metrics-nodes", "range", "10.0.0.2", "10.0.0.9", null, 24, "10.0.0.1", List.of(), false, List.of());

    @TempDir
    Path tmp;

    @Test
    void scrapeShowsLinkCommandsIpamReconcileAndCertificateSeries(KubeApiServer kube, TestNamespace namespace)
            throws Exception {
        try (EmbeddedConsole console = EmbeddedConsole.start(tmp.resolve("console"))) {
            GatewayService.IssuedPin issued = console.gateways().create(NAME, Optional.empty());
            String gatewayId = issued.gateway().id();
            EmbeddedServer server = ApplicationContext.run(
                    EmbeddedServer.class,
                    Map.of(
                            "micronaut.server.port", -1,
                            "pcg.agent.name", NAME,
                            "pcg.agent.console-endpoint", console.endpoint(),
                            "pcg.agent.pairing-code", issued.pin(),
                            "pcg.agent.state-dir", tmp.resolve("agent").toString(),
                            "pcg.agent.console-ca-file", console.caFile().toString(),
                            "pcg.agent.kube.kubeconfig", kube.kubeconfig().toString(),
                            "pcg.agent.ipam.namespace", namespace.name()),
                    GatewayAgentApplication.ENVIRONMENT);
            try (ApplicationContext agent = server.getApplicationContext()) {
                String metricsUrl = "http://127.0.0.1:" + server.getPort() + "/metrics";
                AgentStatus status = agent.getBean(AgentStatus.class);
                await("the agent is connected")
                        .atMost(WAIT)
                        .until(() -> status.snapshot().phase() == AgentStatus.Phase.CONNECTED);

                CommandRecord ping = console.commands().submit(gatewayId, "agent.ping", "{\"n\": 1}");
                CommandRecord unknown = console.commands().submit(gatewayId, "no.such.command", "{}");
                agent.getBean(PoolService.class).create(NODES);
                IpAddressClaims.create(kube.client(), namespace.name(), "cp-0", NODES.name(), "gateway", Map.of());

                String pool = "pool=\"" + NODES.name() + "\"";
                String text = awaitScrape(
                        metricsUrl,
                        List.of(
                                series("pcg_link_connected", "", "1.0"),
                                series("pcg_link_phase", "phase=\"CONNECTED\"", "1.0"),
                                series("pcg_link_registrations_total", "", "1.0"),
                                series("pcg_link_reconnects_total", "", "0.0"),
                                series("pcg_commands_seconds_count", "outcome=\"succeeded\",type=\"agent.ping\"", "1"),
                                series("pcg_commands_seconds_count", "outcome=\"unknown_type\",type=\"unknown\"", "1"),
                                series("pcg_ipam_allocations_total", pool, "1.0"),
                                series("pcg_ipam_pool_addresses", pool + ",state=\"used\"", "1.0"),
                                series("pcg_ipam_pool_addresses", pool + ",state=\"free\"", "7.0"),
                                series("pcg_reconcile_seconds_count", "loop=\"ipam\",outcome=\"ok\"", "\\d+"),
                                series(
                                        "pcg_reconcile_seconds_count",
                                        "loop=\"gateway_cluster\",outcome=\"ok\"",
                                        "\\d+")));
                // A year's certificate from the dev-console: between 364 and 366 days left.
                assertThat(Double.parseDouble(value(text, "pcg_certificate_expiry_seconds")))
                        .isBetween(364 * 86400.0, 366 * 86400.0);
                assertThat(value(text, "pcg_link_heartbeat_age_seconds")).isNotEmpty();
                assertThat(text).doesNotContain(issued.pin()).doesNotContain("no.such.command");
                assertThat(ping.id()).isNotEqualTo(unknown.id());
            }
        }
    }

    /** A series with exactly these labels (Prometheus sorts them) and a value matching {@code value}. */
    private static Pattern series(String name, String labels, String value) {
        String labelPart = labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + "\\}";
        return Pattern.compile("(?m)^" + name + labelPart + " " + value + "(\\.0)?$");
    }

    private static String awaitScrape(String url, List<Pattern> expected) {
        String[] last = {""};
        await("every series is scraped").atMost(WAIT).until(() -> {
            last[0] = scrape(url);
            return expected.stream()
                    .allMatch(pattern -> pattern.matcher(last[0]).find());
        });
        return last[0];
    }

    private static String value(String text, String name) {
        java.util.regex.Matcher matcher =
                Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(text);
        assertThat(matcher.find()).as(name + " is scraped").isTrue();
        return matcher.group(1);
    }

    private static String scrape(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }
}
