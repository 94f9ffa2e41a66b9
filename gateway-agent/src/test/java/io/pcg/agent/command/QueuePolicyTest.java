package io.pcg.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueuePolicyTest {

    @ParameterizedTest(name = "{1} in phase {0}: waits={2}")
    @CsvSource(
            nullValues = "null",
            value = {
                "UPGRADING,    cluster.create,      true",
                "UPGRADING,    cluster.delete,      true",
                "UPGRADING,    cluster.forceDelete, true",
                "UPGRADING,    gateway.status,      false",
                "UPGRADING,    ipam.pool.create,    false",
                "UPGRADING,    cluster.scale,       true",
                "UPGRADING,    cluster.list,        false",
                "UPGRADING,    cluster.created,     false",
                "UPGRADING,    clusters.list,       false",
                "RUNNING,      cluster.create,      false",
                "PROVISIONING, cluster.create,      false",
                "null,         cluster.create,      true",
                "null,         agent.ping,          false",
            })
    void theDefaultHoldsTenantClusterRequestsDuringAnUpgrade(String phase, String type, boolean waits) {
        assertThat(QueuePolicy.DEFAULT.reason(phase, type).isPresent()).isEqualTo(waits);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
        "UPGRADING, cluster.create, 'the gateway is upgrading; cluster.* requests run after that, in the order they arrived'",
        "RESETTING, tenant.x,       'the gateway is resetting; tenant.* requests run after that, in the order they arrived'",
        "RESETTING, tenant.y,       'the gateway is resetting; tenant.y requests run after that, in the order they arrived'",
    })
    void theReasonNamesThePhaseAndTheFamily(String phase, String type, String reason) {
        QueuePolicy policy =
                new QueuePolicy(Map.of("UPGRADING", List.of("cluster."), "RESETTING", List.of("tenant.y", "tenant.")));
        assertThat(policy.reason(phase, type)).contains(reason);
        assertThat(policy.reason(null, type).orElseThrow()).contains("has not read the gateway's state yet");
    }
}
