package io.pcg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusViewTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void aConnectedProvisioningGatewayShowsEveryPart() throws Exception {
        String json = """
                {"agent":{"phase":"CONNECTED","gatewayId":"gw-7","consoleEndpoint":"https://console.example.com",
                  "since":"2025-03-01T09:00:00Z","lastRegisteredAt":"2025-03-01T09:00:00Z",
                  "lastHeartbeatAt":"2025-03-01T09:59:50Z","certificateExpiresAt":"2026-03-01T09:00:00Z"},
                 "proxy":"http://pcg:<redacted>@proxy.example.com:3128",
                 "gateway":{"state":"PROVISIONING","managementCluster":"bootstrap",
                  "conditions":[{"type":"ControlPlaneReady","status":"False","reason":"WaitingForNode","message":"1 of 1 pending"}],
                  "nodes":[{"name":"pcg-gw-abcde","ip":"10.10.1.21","role":"control-plane","ready":false}]},
                 "managementCluster":{"known":true,"reachable":true,"detail":"Kubernetes v1.31.4"},
                 "vcenter":{"server":"vc.example.com","thumbprint":"AB:CD"}}
                """;

        String text = StatusView.render(new ObjectMapper().readTree(json), NOW);

        assertThat(text)
                .contains("Pairing:                 paired as gateway gw-7")
                .contains("Console:                 https://console.example.com (connected)")
                .contains("Last heartbeat:          2025-03-01T09:59:50Z (10 s ago)")
                .contains("Client certificate:      expires 2026-03-01T09:00:00Z (in 364 days)")
                .contains("Proxy:                   http://pcg:<redacted>@proxy.example.com:3128")
                .contains("Gateway cluster:         PROVISIONING (Cluster API objects on the bootstrap cluster)")
                .contains("ControlPlaneReady      False   WaitingForNode: 1 of 1 pending")
                .contains("node pcg-gw-abcde")
                .contains("Management cluster:      reachable: Kubernetes v1.31.4")
                .contains("vCenter:                 vc.example.com pinned to AB:CD")
                .doesNotContain("Problem:");
    }

    @Test
    void aStuckAgentShowsItsProblemAndFixAndFieldsTheAgentLeftOut() throws Exception {
        String json = """
                {"agent":{"phase":"RETRYING","consoleEndpoint":"https://console.example.com","problem":"PROXY_AUTH_FAILED",
                  "message":"proxy answered 407","hint":"fix user/password in HTTPS_PROXY"},
                 "managementCluster":{"known":false,"reachable":false,"detail":"none yet"}}
                """;

        String text = StatusView.render(new ObjectMapper().readTree(json), NOW);

        assertThat(text)
                .contains("Pairing:                 not paired")
                .contains("(NOT CONNECTED, retrying)")
                .contains("Problem:                 PROXY_AUTH_FAILED: proxy answered 407")
                .contains("What to do:              fix user/password in HTTPS_PROXY")
                .contains("Last heartbeat:          none yet")
                .contains("Client certificate:      none yet")
                .contains("Proxy:                   none (direct connection)")
                .contains("Gateway cluster:         not reported yet")
                .contains("vCenter:                 not configured yet");
    }

    @Test
    void anUnhealthyClusterShowsItsReasonsUsageAndNodeConditions() throws Exception {
        String json = """
                {"agent":{"phase":"CONNECTED","consoleEndpoint":"https://console.example.com"},
                 "health":{"verdict":"Unhealthy","usageSource":"requests","observedAt":"2025-03-01T09:59:55Z",
                  "reasons":[{"reason":"NodeDiskPressure","object":"node/n1","message":"node n1 has DiskPressure: free disk"}],
                  "usage":{"cpuCores":4,"cpuUsageCores":1,"cpuRequestsCores":1,"memoryBytes":8589934592,
                   "memoryUsageBytes":2147483648,"memoryRequestsBytes":2147483648},
                  "nodes":[{"name":"n1","conditions":[{"type":"Ready","status":"True"},{"type":"DiskPressure","status":"True"}],
                   "usage":{"cpuCores":4,"cpuUsageCores":1,"cpuRequestsCores":1,"memoryBytes":8589934592,
                    "memoryUsageBytes":2147483648,"memoryRequestsBytes":2147483648}}]}}
                """;

        String text = StatusView.render(new ObjectMapper().readTree(json), NOW);

        assertThat(text)
                .contains("Cluster health:          Unhealthy (checked 2025-03-01T09:59:55Z (5 s ago);"
                        + " usage from the pods' requests (no metrics API))")
                .contains("  NodeDiskPressure       node/n1: node n1 has DiskPressure: free disk")
                .contains(
                        "  cluster CPU 1.00 of 4.00 cores used (25%), 1.00 requested; memory 2.00 of 8.00 GiB used (25%), 2.00 GiB requested")
                .contains("  node n1: Ready=True DiskPressure=True; CPU 1.00 of 4.00 cores used (25%)");
    }

    @Test
    void noHealthYetSaysWhy() throws Exception {
        String text = StatusView.render(new ObjectMapper().readTree("{\"agent\":{\"phase\":\"CONNECTED\"}}"), NOW);

        assertThat(text).contains("Cluster health:          not checked yet");
    }
}
